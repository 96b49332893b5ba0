// A small API on 127.0.0.1 that accepts only DPoP-bound access tokens (RFC 9449 §7), the way a real
// resource server does: jose verifies the access token against the provider's JWKS, then the proof
// in the DPoP header: its signature under its own jwk, typ, htm, htu, iat window, jti replay, ath,
// and that the jwk's thumbprint is the token's cnf.jkt. Plain ESM like the other servers.
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { calculateJwkThumbprint, createRemoteJWKSet, EmbeddedJWK, jwtVerify } from 'jose';

/** How far a proof's iat may be from now, in seconds, without a nonce. */
const IAT_WINDOW = 60;

/**
 * Starts the API (port 0 = any free port). Every path answers `GET` with `{ path, sub }` for a
 * DPoP-bound token with a valid proof; anything else is a 401 with `WWW-Authenticate: DPoP` and the
 * reason as `error`. While `requireNonce` is true, a proof without the current nonce gets
 * `error="use_dpop_nonce"` and a `DPoP-Nonce` header.
 *
 * @param {object} options
 * @param {string} options.issuer
 * @param {string} options.audience
 * @param {string[]} options.origins page origins allowed to call it (CORS)
 * @param {number} [options.port]
 */
export async function startDpopResourceServer({ issuer, audience, origins, port = 0 }) {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  const allowed = new Set(origins);
  const seenJti = new Set();
  /** @type {{ path: string, ok: boolean, error?: string, nonce?: string }[]} */
  const requests = [];
  const handle = { origin: '', requests, requireNonce: false, nonce: randomBytes(16).toString('base64url'), close };

  /** Checks the request; throws the `error` to answer with. */
  async function verify(req, url) {
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    if (scheme !== 'DPoP' || !token) throw new Error('invalid_token');
    const { payload: claims } = await jwtVerify(token, jwks, { issuer, audience }).catch(() => {
      throw new Error('invalid_token');
    });
    const proof = req.headers.dpop;
    if (typeof proof !== 'string') throw new Error('invalid_dpop_proof');
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] }).catch(() => {
      throw new Error('invalid_dpop_proof');
    });
    const ath = createHash('sha256').update(token).digest('base64url');
    const fresh = typeof payload.iat === 'number' && Math.abs(Date.now() / 1000 - payload.iat) <= IAT_WINDOW;
    const jkt = await calculateJwkThumbprint(protectedHeader.jwk);
    const checks = [
      payload.htm === req.method,
      payload.htu === `${handle.origin}${url.pathname}`,
      fresh,
      typeof payload.jti === 'string' && !seenJti.has(payload.jti),
      payload.ath === ath,
      jkt === claims.cnf?.jkt,
    ];
    if (checks.includes(false)) throw new Error('invalid_dpop_proof');
    seenJti.add(payload.jti);
    if (handle.requireNonce && payload.nonce !== handle.nonce) throw new Error('use_dpop_nonce');
    return claims;
  }

  const server = createServer(async (req, res) => {
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate, DPoP-Nonce');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Headers': 'Authorization, DPoP', 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Max-Age': '600' });
      return res.end();
    }
    const url = new URL(req.url ?? '/', handle.origin);
    if (handle.requireNonce) res.setHeader('DPoP-Nonce', handle.nonce);
    try {
      const claims = await verify(req, url);
      requests.push({ path: url.pathname, ok: true });
      send(res, 200, { path: url.pathname, sub: claims.sub });
    } catch (error) {
      requests.push({ path: url.pathname, ok: false, error: error.message });
      res.setHeader('WWW-Authenticate', `DPoP error="${error.message}", algs="ES256"`);
      send(res, 401, { error: error.message });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  handle.origin = `http://127.0.0.1:${server.address().port}`;

  function close() {
    server.closeAllConnections();
    return new Promise((done) => server.close(() => done()));
  }
  return handle;
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
