// A small API on 127.0.0.1 that accepts only access tokens the provider signed, the way a
// real resource server does: jose verifies the signature against the provider's JWKS and
// checks issuer, audience and expiry. Plain ESM so `npm start` can run it too.
import { createServer } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';

/**
 * Starts the API (port 0 = any free port). `/redirect?to=<url>` answers 307 to `url`; every other path answers `GET` with
 * `{ path, claims }` for a valid bearer token, and 401 with
 * `WWW-Authenticate: Bearer error="invalid_token"` for a missing, bad, expired or
 * invalidated one. It records the `Authorization` header of every request (tests compare
 * tokens, never print them).
 *
 * @param {object} options
 * @param {string} options.issuer      the provider; its JWKS is read from `${issuer}/jwks` unless `jwksUri` says otherwise
 * @param {string} options.audience    the `aud` an access token must carry (the resource indicator)
 * @param {string[]} options.origins   page origins allowed to call it (CORS)
 * @param {string} [options.jwksUri]
 * @param {number} [options.port]
 */
export async function startResourceServer({ issuer, audience, origins, jwksUri = `${issuer}/jwks`, port = 0 }) {
  const jwks = createRemoteJWKSet(new URL(jwksUri));
  const allowed = new Set(origins);
  /** @type {{ at: number, path: string, ok: boolean, sub?: string, authorization?: string }[]} */
  const requests = [];
  /** Tokens refused although their signature and claims are good: revoked, as introspection would say. */
  const invalidated = new Set();

  const server = createServer(async (req, res) => {
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      // The challenge is what a client reads to learn that its token was refused.
      res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Headers': 'Authorization', 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Max-Age': '600' });
      return res.end();
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const { pathname: path } = url;
    // `/redirect?to=<url>`: where a server (or a proxy in front of it) sends a client on.
    if (path === '/redirect') {
      requests.push({ at: Date.now(), path, ok: true, authorization: req.headers.authorization });
      res.writeHead(307, { Location: url.searchParams.get('to') ?? '/' });
      return res.end();
    }
    const { authorization } = req.headers;
    const [scheme, token] = (authorization ?? '').split(' ');
    try {
      if (scheme !== 'Bearer' || !token) throw new Error('no bearer token');
      if (invalidated.has(token)) throw new Error('invalidated');
      const { payload } = await jwtVerify(token, jwks, { issuer, audience });
      requests.push({ at: Date.now(), path, ok: true, sub: payload.sub, authorization });
      send(res, 200, { path, claims: payload });
    } catch {
      // No reason given: a client has nothing to learn from which check failed.
      requests.push({ at: Date.now(), path, ok: false, authorization });
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      send(res, 401, { error: 'invalid_token' });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    requests,
    /** From now on, refuses `token` with 401 invalid_token (a token the API learned was revoked). */
    invalidate(token) {
      invalidated.add(token);
    },
    close() {
      server.closeAllConnections();
      return new Promise((done) => server.close(() => done()));
    },
  };
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
