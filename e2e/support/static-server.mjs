// Serves the built SDK, the demo and the e2e fixture pages on 127.0.0.1.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVED = ['/dist/', '/demo/', '/e2e/fixtures/'];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Starts the static server on 127.0.0.1 (port 0 = any free port).
 *
 * @param {object} [options]
 * @param {Record<string, () => unknown>} [options.json] extra JSON routes, read on every request
 * @param {number} [options.port]
 */
export async function startStaticServer({ json = {}, port = 0 } = {}) {
  const server = createServer(async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'Method not allowed');
    if (pathname === '/') {
      res.writeHead(302, { Location: '/demo/' });
      return res.end();
    }
    if (Object.hasOwn(json, pathname)) return send(res, 200, TYPES['.json'], JSON.stringify(json[pathname]()));
    const wanted = pathname.endsWith('/') ? `${pathname}index.html` : pathname;
    let file;
    try {
      file = resolve(ROOT, `.${decodeURIComponent(wanted)}`);
    } catch {
      return send(res, 400, 'text/plain', 'Bad request');
    }
    // Checked after decoding, so `%2F..` cannot step out of the served folders.
    if (!SERVED.some((folder) => file.startsWith(resolve(ROOT, `.${folder}`) + sep))) {
      return send(res, 404, 'text/plain', 'Not found');
    }
    try {
      const body = await readFile(file);
      send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', body);
    } catch {
      send(res, 404, 'text/plain', 'Not found');
    }
  });
  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolveListen);
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    close() {
      server.closeAllConnections();
      return new Promise((done) => server.close(() => done()));
    },
  };
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
}
