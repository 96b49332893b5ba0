// `npm start`: build the SDK, start the local OpenID provider and the static
// server on 127.0.0.1, print the demo URL, stop cleanly on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { startStack } from '../e2e/support/stack.mjs';

// Quiet on success, so the one line printed below is the one line there is.
const build = spawnSync('npm', ['run', '--silent', 'build'], { encoding: 'utf8' });
if (build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
  console.error('npm start: the build failed (npm run build); see above.');
  process.exit(1);
}

const ttl = Number(process.env.ACCESS_TOKEN_TTL ?? 30);
const stack = await startStack({
  accessTokenTtl: Number.isFinite(ttl) && ttl > 0 ? ttl : 30,
  staticPort: Number(process.env.PORT ?? 0),
});
console.log(`tokenvault demo: ${stack.web.origin}/demo/`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await stack.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
