// Each ES entry imported in Node, as a server-rendered app or a Node script imports it: it loads without
// a browser, exports its values and passes the same checks as in a page (e2e/fixtures/entry-checks.js).
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CORE, ENTRIES, subpathOf } from '../entries.mjs';
import { CHECKS } from '../e2e/fixtures/entry-checks.js';
import { EXPECTED, signedTokens } from '../e2e/support/entry-checks.js';
import { startStaticServer } from '../e2e/support/static-server.mjs';

const dist = (name: string): string => new URL(`../dist/${name}.js`, import.meta.url).href;

let server: Awaited<ReturnType<typeof startStaticServer>>;
let input: Record<string, unknown>;

beforeAll(async () => {
  const signed = await signedTokens();
  server = await startStaticServer({ json: { '/jwks.json': () => signed.jwks } });
  input = { issuer: signed.issuer, clientId: signed.clientId, jwksUri: `${server.origin}/jwks.json`, tokens: signed.tokens };
});
afterAll(() => server?.close());

for (const entry of ENTRIES) {
  it(`dist/${entry.name}.js imported in Node exports its values and works`, async () => {
    const api = (await import(dist(entry.name))) as Record<string, unknown>;
    const core = (await import(dist(CORE))) as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(entry.values);
    const check = (CHECKS as Record<string, (api: unknown, core: unknown, input: unknown) => Promise<unknown>>)[entry.name];
    expect(check && (await check(api, core, input))).toEqual(EXPECTED[entry.name]);
  });
}

it('every entry loads by its package name, as an app\'s tooling resolves it through the exports map', () => {
  const names = ENTRIES.map((entry) => (entry.name === CORE ? CORE : `${CORE}${subpathOf(entry).slice(1)}`));
  // A child process run from the package root, where `tokenvault` refers to this package itself.
  const script = `Promise.all(${JSON.stringify(names)}.map((name) => import(name))).then((all) => console.log(JSON.stringify(all.map((m) => Object.keys(m).sort()))))`;
  const root = new URL('..', import.meta.url);
  const keys = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  expect(JSON.parse(keys)).toEqual(ENTRIES.map((entry) => entry.values));
});
