// `npm start`: build the SDK, start the local OpenID provider and the static
// server on 127.0.0.1, print both URLs, stop cleanly on Ctrl-C.
//
// PORT is the demo page's port and OIDC_PORT the provider's (default: any free port);
// ACCESS_TOKEN_TTL the access-token lifetime in seconds (default 30).
// `npm start -- --no-build` serves the dist/ there is.
import { spawnSync } from 'node:child_process';
import { DEMO_USER } from '../e2e/support/oidc-server.mjs';
import { startStack } from '../e2e/support/stack.mjs';

/** The port in environment variable `name`: 0 (any free port) when unset; the process ends if it is not a port. */
function portFrom(name) {
  const value = process.env[name]?.trim();
  if (!value) return 0;
  const port = Number(value);
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  console.error(`npm start: ${name}=${value} is not a port number (0 to 65535).`);
  process.exit(1);
}

const staticPort = portFrom('PORT');
const oidcPort = portFrom('OIDC_PORT');

if (!process.argv.includes('--no-build')) {
  // Quiet on success, so the lines printed below are the lines there are.
  const build = spawnSync('npm', ['run', '--silent', 'build'], { encoding: 'utf8' });
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
    console.error('npm start: the build failed (npm run build); see above.');
    process.exit(1);
  }
}

const ttl = Number(process.env.ACCESS_TOKEN_TTL ?? 30);
let stack;
try {
  stack = await startStack({ accessTokenTtl: Number.isFinite(ttl) && ttl > 0 ? ttl : 30, staticPort, oidcPort });
} catch (error) {
  if (error?.code !== 'EADDRINUSE') throw error;
  console.error(`npm start: port ${error.port} is in use; choose another with PORT (the demo) or OIDC_PORT (the provider).`);
  process.exit(1);
}
console.log(`tokenvault demo:  ${stack.web.origin}/demo/`);
console.log(`OpenID provider:  ${stack.oidc.issuer} (sign in as ${DEMO_USER.username} / ${DEMO_USER.password})`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await stack.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
