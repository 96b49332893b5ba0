// Each ES entry imported in Node, as a server-rendered app or a Node script imports it: it loads without
// a browser, exports its values and passes the same checks as in a page (e2e/fixtures/entry-checks.js).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CORE, ENTRIES } from '../entries.mjs';
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
