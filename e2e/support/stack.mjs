// The whole local stack: static server (SDK build, demo, fixtures) plus the
// OpenID provider that trusts the static server's origin. Used by the e2e
// tests and by `npm start`.
import { startOidcServer } from './oidc-server.mjs';
import { startStaticServer } from './static-server.mjs';

/** Pages registered as redirect URIs of the SPA client. */
export const PAGES = Object.freeze({ demo: '/demo/', fixture: '/e2e/fixtures/app.html', dpop: '/e2e/fixtures/dpop.html' });

/**
 * Starts both servers on 127.0.0.1, each on a free port unless given.
 *
 * @param {{ accessTokenTtl?: number, staticPort?: number, oidcPort?: number, dpopNonces?: boolean }} [options]
 */
export async function startStack({ accessTokenTtl = 10, staticPort = 0, oidcPort = 0, dpopNonces = false } = {}) {
  let config;
  const web = await startStaticServer({ port: staticPort, json: { '/demo-config.json': () => config } });
  let oidc;
  try {
    oidc = await startOidcServer({
      origins: [web.origin],
      redirectUris: Object.values(PAGES).map((path) => web.origin + path),
      accessTokenTtl,
      port: oidcPort,
      dpopNonces,
    });
  } catch (error) {
    await web.close();
    throw error;
  }
  config = { issuer: oidc.issuer, clientId: oidc.clientId, scope: 'openid profile email api:read' };
  return {
    web,
    oidc,
    config,
    async close() {
      await Promise.all([web.close(), oidc.close()]);
    },
  };
}
