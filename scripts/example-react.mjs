// `npm run example:react`: build the SDK, then examples/react with Vite against a local OpenID
// provider and API on 127.0.0.1, serve it, print its URL, stop cleanly on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { startReactExample } from '../e2e/support/react-example.mjs';

const sdk = spawnSync('npm', ['run', '--silent', 'build'], { encoding: 'utf8' });
if (sdk.status !== 0) {
  process.stderr.write(`${sdk.stdout ?? ''}${sdk.stderr ?? ''}`);
  console.error('npm run example:react: the build failed (npm run build); see above.');
  process.exit(1);
}

const example = await startReactExample({ port: Number(process.env.PORT ?? 0), accessTokenTtl: 30 });
console.log(`tokenvault React example: ${example.origin}/  (sign in as alice / wonderland)`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await example.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
