// examples/react, built with Vite as its users build it and served by `vite preview`, with the
// OpenID provider and the resource server it talks to. Used by e2e/react-example.test.ts and by
// `npm run example:react`. Needs dist/ (`npm run build`): the example imports the built package.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { startOidcServer } from './oidc-server.mjs';
import { startResourceServer } from './resource-server.mjs';

const EXAMPLE = fileURLToPath(new URL('../../examples/react/', import.meta.url));

/** A port that was free a moment ago: the provider must know the app's origin before the app is built. */
async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts the provider and the API, builds the example against them (Vite env variables, as an
 * app is configured), and serves the build on 127.0.0.1.
 *
 * @param {{ accessTokenTtl?: number, port?: number, quiet?: boolean }} [options]
 */
export async function startReactExample({ accessTokenTtl = 120, port, quiet = true } = {}) {
  const appPort = port || (await freePort());
  const origin = `http://127.0.0.1:${appPort}`;
  const outDir = await mkdtemp(join(tmpdir(), 'tokenvault-react-example-'));
  const closers = [() => rm(outDir, { recursive: true, force: true })];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne();
  };
  try {
    const oidc = await startOidcServer({ origins: [origin], redirectUris: [`${origin}/callback`], accessTokenTtl });
    closers.push(() => oidc.close());
    const api = await startResourceServer({ issuer: oidc.issuer, audience: oidc.resource, origins: [origin] });
    closers.push(() => api.close());

    const env = { VITE_OIDC_ISSUER: oidc.issuer, VITE_OIDC_CLIENT_ID: oidc.clientId, VITE_API_URL: api.origin };
    Object.assign(process.env, env);
    const logLevel = quiet ? 'warn' : 'info';
    await build({ root: EXAMPLE, logLevel, build: { outDir, emptyOutDir: true } });
    const server = await preview({ root: EXAMPLE, logLevel, build: { outDir }, preview: { host: '127.0.0.1', port: appPort, strictPort: true } });
    closers.push(() => new Promise((resolve) => server.httpServer.close(() => resolve(undefined))));
    return { origin, oidc, api, outDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}
