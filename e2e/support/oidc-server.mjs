// A local OpenID provider configured like a production SPA tenant, for the
// e2e tests and the demo. Plain ESM so `npm start` runs it without a TS step.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

// Two warnings we know and accept: oidc-provider 9 asks for Node 22 but every
// flow used here works on Node 20.20, and a test server wants in-memory state.
const ACCEPTED_WARNINGS = [/Unsupported runtime/, /in-memory adapter/];
async function withoutAcceptedWarnings(fn) {
  const warn = console.warn;
  console.warn = (...args) => {
    if (!ACCEPTED_WARNINGS.some((re) => re.test(String(args[0])))) warn(...args);
  };
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}
const { default: Provider } = await withoutAcceptedWarnings(() => import('oidc-provider'));

/** The one account the login page accepts. */
export const DEMO_USER = Object.freeze({
  username: 'alice',
  password: 'wonderland',
  name: 'Alice Liddell',
  email: 'alice@example.test',
  groups: ['readers', 'beta'],
});

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > 10_000) req.destroy(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

// The empty data: icon keeps the browser from asking for /favicon.ico, which oidc-provider
// answers with a 404 (a console error on the sign-in page).
function loginPage({ action, error, username }) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Local OpenID Provider</title>
<link rel="icon" href="data:,">
<style>
  body { font: 16px/1.5 system-ui, sans-serif; background: #f3f4f6; color: #111827; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  main { background: #fff; padding: 2rem 2.25rem; border-radius: 12px; box-shadow: 0 10px 30px rgb(0 0 0 / .08); width: min(360px, 90vw); }
  h1 { font-size: 1.25rem; margin: 0 0 .25rem; } p { color: #6b7280; margin: 0 0 1.25rem; font-size: .9rem; }
  label { display: block; font-size: .85rem; font-weight: 600; margin: .75rem 0 .25rem; }
  input { width: 100%; box-sizing: border-box; padding: .6rem .7rem; border: 1px solid #d1d5db; border-radius: 8px; font: inherit; }
  button { margin-top: 1.25rem; width: 100%; padding: .65rem; border: 0; border-radius: 8px; background: #2563eb; color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
  .error { color: #b91c1c; background: #fef2f2; border-radius: 8px; padding: .5rem .75rem; margin-bottom: .5rem; }
  code { background: #f3f4f6; padding: 0 .25rem; border-radius: 4px; }
</style></head>
<body><main>
  <h1>Sign in</h1>
  <p>Local OpenID provider · try <code>${DEMO_USER.username}</code> / <code>${DEMO_USER.password}</code></p>
  ${error ? `<div class="error" role="alert">${escapeHtml(error)}</div>` : ''}
  <form method="post" action="${escapeHtml(action)}" autocomplete="off">
    <label for="username">Username</label>
    <input id="username" name="username" required autofocus value="${escapeHtml(username ?? '')}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" required>
    <button type="submit">Sign in</button>
  </form>
</main></body></html>`;
}

/**
 * The "Do you want to sign out?" step of RP-Initiated Logout. The app asked for it and the user
 * pressed Sign out there already, so the form (oidc-provider's, with its xsrf secret) is sent at
 * once, with `logout=yes`: the whole login session ends, not only this client's part of it.
 */
async function logoutSource(ctx, form) {
  ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signing out · Local OpenID Provider</title><link rel="icon" href="data:,"></head>
<body><p>Signing you out…</p>
${form.replace('</form>', '<input type="hidden" name="logout" value="yes"><noscript><button type="submit">Sign out</button></noscript></form>')}
<script>document.getElementById('op.logoutForm').submit();</script>
</body></html>`;
}

/** Shown after a sign-out that has no post_logout_redirect_uri to go back to. */
async function postLogoutSuccessSource(ctx) {
  ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signed out · Local OpenID Provider</title><link rel="icon" href="data:,"></head>
<body><p>You are signed out.</p></body></html>`;
}

/**
 * Starts the provider on 127.0.0.1 (port 0 = any free port).
 *
 * @param {object} options
 * @param {string[]} options.origins        page origins allowed to call the token and revocation endpoints
 * @param {string[]} options.redirectUris   registered redirect URIs of the SPA client
 * @param {number} [options.accessTokenTtl] access-token lifetime in seconds (mutable later via `accessTokenTtl`)
 * @param {number} [options.port]
 * @param {boolean} [options.dpopNonces] DPoP nonces (RFC 9449 §8) available; required while `requireDpopNonce` is true
 */
export async function startOidcServer({ origins, redirectUris, accessTokenTtl = 10, port = 0, dpopNonces = false }) {
  const clientId = 'tokenvault-spa';
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const resource = `${issuer}/api`;
  /** @type {{ at: number, ok: boolean, grantType?: string, error?: string }[]} */
  const grants = [];
  /**
   * `beforeToken(req)`, when a test sets it, runs before every POST to the token endpoint reaches the
   * provider: it may hold the request (a gate, a slow provider) and may answer in the provider's
   * place with `{ status, body?, headers? }` (a 503 from a load balancer); undefined lets it through.
   * @type {{ issuer: string, clientId: string, resource: string, accessTokenTtl: number, grants: typeof grants,
   *   close: typeof close, requireDpopNonce: boolean, beforeToken?: (req: import('node:http').IncomingMessage) => Promise<{ status: number, body?: unknown, headers?: Record<string, string> } | undefined> }}
   */
  const handle = { issuer, clientId, resource, accessTokenTtl, grants, requireDpopNonce: false, close };

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const allowed = new Set(origins);

  const provider = await withoutAcceptedWarnings(() => new Provider(issuer, {
    clients: [{
      client_id: clientId,
      token_endpoint_auth_method: 'none', // public client: no secret, so PKCE is required
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: redirectUris,
      // Sign-out at the provider (RP-Initiated Logout) may come back to the same pages.
      post_logout_redirect_uris: redirectUris,
    }],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'local-1', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], profile: ['name', 'groups'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'profile', 'email', 'api:read'],
    async findAccount(_ctx, sub) {
      if (sub !== DEMO_USER.username) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, name: DEMO_USER.name, email: DEMO_USER.email, email_verified: true, groups: DEMO_USER.groups }),
      };
    },
    features: {
      devInteractions: { enabled: false },
      // DPoP is on by default in oidc-provider 9; nonces need a secret.
      ...(dpopNonces && { dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => handle.requireDpopNonce } }),
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      // A public client may revoke only its own tokens; others' are silently left alone (RFC 7009 §2.2).
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) throw new Provider.errors.InvalidTarget();
          return { scope: 'api:read', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: handle.accessTokenTtl };
        },
      },
    },
    pkce: { required: () => true },
    clientBasedCORS: (_ctx, origin) => allowed.has(origin),
    // Like an SPA tenant with offline refresh: no `offline_access` + `prompt=consent`
    // dance, and refresh tokens outlive the provider's own login cookie.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    rotateRefreshToken: () => true,
    ttl: {
      AccessToken: () => handle.accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: 24 * 3600,
      Session: 24 * 3600,
      Grant: 24 * 3600,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  }));
  provider.proxy = false;
  // Every token-endpoint outcome, for tests that assert what the server saw.
  provider.on('grant.success', (ctx) => handle.grants.push({ at: Date.now(), ok: true, grantType: ctx.oidc.params?.grant_type }));
  provider.on('grant.error', (ctx, error) => handle.grants.push({ at: Date.now(), ok: false, grantType: ctx.oidc.params?.grant_type, error: error.error }));
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider server_error:', error));

  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.method === 'POST' && req.url === '/token' && handle.beforeToken) return gated(req, res, handle.beforeToken);
    const match = /^\/interaction\/([\w-]+)$/.exec(new URL(req.url, issuer).pathname);
    if (!match) return callback(req, res);
    interaction(req, res).catch((error) => {
      res.statusCode = 400;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(`Sign-in failed: ${error.message}`);
    });
  });

  /** Lets `beforeToken` hold or answer a token request; the answer carries CORS headers like the provider's. */
  async function gated(req, res, beforeToken) {
    const answer = await beforeToken(req).catch(() => ({ status: 500 }));
    if (answer === undefined || res.destroyed) return res.destroyed ? undefined : callback(req, res);
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) res.setHeader('Access-Control-Allow-Origin', origin);
    res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...answer.headers });
    res.end(JSON.stringify(answer.body ?? { error: 'temporarily_unavailable' }));
  }

  async function interaction(req, res) {
    const details = await provider.interactionDetails(req, res);
    const { uid, prompt, params, session } = details;
    res.setHeader('Cache-Control', 'no-store');
    if (prompt.name === 'consent') {
      // First-party app: consent is implied, grant exactly what is missing.
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    }
    const action = `/interaction/${uid}`;
    if (req.method === 'POST') {
      const form = await readForm(req);
      const username = form.get('username') ?? '';
      if (username === DEMO_USER.username && form.get('password') === DEMO_USER.password) {
        return provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
      }
      res.statusCode = 401;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      return res.end(loginPage({ action, error: 'Wrong username or password.', username }));
    }
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(loginPage({ action }));
  }

  function close() {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  return handle;
}
