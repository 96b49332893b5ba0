// Every build in dist/ loaded in Chromium the way users load it: each IIFE through <script> tags (after
// the core's, which it reads TokenVaultError from), each ES entry through <script type="module"> with an
// import map, as a page without a bundler does. The entries come from entries.mjs; what each must do once
// loaded is in e2e/fixtures/entry-checks.js, the same checks package-test/node-import.test.ts runs in Node.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { CORE, ENTRIES, type Entry } from '../entries.mjs';
import { launchChromium, requireChromium } from './support/browser.js';
import { EXPECTED, signedTokens } from './support/entry-checks.js';
import { startStaticServer } from './support/static-server.mjs';

requireChromium();

const ROOT = new URL('../', import.meta.url);
const core = ENTRIES.find((entry) => entry.name === CORE)!;

let server: Awaited<ReturnType<typeof startStaticServer>>;
let browser: Browser;
let context: BrowserContext;
let input: Record<string, unknown>;

beforeAll(async () => {
  const signed = await signedTokens();
  server = await startStaticServer({ json: { '/jwks.json': () => signed.jwks } });
  input = { issuer: signed.issuer, clientId: signed.clientId, jwksUri: `${server.origin}/jwks.json`, tokens: signed.tokens };
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
beforeEach(async () => {
  context = await browser.newContext();
});
afterEach(async () => {
  await context?.close();
});

/** An empty page on the static server, with node_modules/ served too (for import maps) and its errors kept. */
async function emptyPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.route(`${server.origin}/node_modules/**`, (route) => {
    const file = fileURLToPath(new URL(`.${new URL(route.request().url()).pathname}`, ROOT));
    return route.fulfill({ path: file, contentType: 'text/javascript' });
  });
  await page.goto(`${server.origin}/e2e/fixtures/blank.html`);
  return { page, errors };
}

/** The URL path of the file a bare specifier resolves to, under node_modules/ (the browser ES build). */
function servedPath(specifier: string): string {
  const path = fileURLToPath(import.meta.resolve(specifier));
  return `/node_modules/${path.split('/node_modules/').pop()!}`;
}

/** The import map a page needs for `entry`: our entries by their package names, and the dependencies' ES builds. */
function importMapFor(entry: Entry): { imports: Record<string, string> } {
  const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { dependencies: Record<string, string> };
  const imports: Record<string, string> = {};
  for (const name of Object.keys(pkg.dependencies)) imports[name] = servedPath(name);
  for (const [peer, path] of Object.entries(entry.pageImports ?? {})) imports[peer] = `/node_modules/${path}`;
  for (const { name } of ENTRIES) imports[name === CORE ? CORE : `${CORE}/${name}`] = `/dist/${name}.js`;
  return { imports };
}

/** Runs `body` as a page's module script; it assigns `result`, which comes back (errors come back as text). */
async function runModule(page: Page, body: string): Promise<unknown> {
  await page.addScriptTag({
    type: 'module',
    content: `window.moduleResult = (async () => { ${body} })().catch((error) => ({ thrown: String(error) }));`,
  });
  await page.waitForFunction(() => 'moduleResult' in window);
  return page.evaluate(() => (window as unknown as { moduleResult: unknown }).moduleResult);
}

const CHECKS_URL = '/e2e/fixtures/entry-checks.js';
const withIife = ENTRIES.filter((entry) => entry.iife !== undefined);
// An entry whose peers have no browser ES build (React) is loaded in a page by its example app instead.
const inPages = ENTRIES.filter((entry) => (entry.peers ?? []).every((peer) => entry.pageImports?.[peer] !== undefined));

for (const entry of withIife) {
  it(`dist/${entry.name}.iife.min.js through a <script> tag: window.${entry.iife} has its values and works`, async () => {
    const { page, errors } = await emptyPage();
    if (entry !== core) await page.addScriptTag({ url: `/dist/${core.name}.iife.min.js` });
    await page.addScriptTag({ url: `/dist/${entry.name}.iife.min.js` });
    const result = await runModule(
      page,
      `const api = window[${JSON.stringify(entry.iife)}];
       const { CHECKS } = await import(${JSON.stringify(CHECKS_URL)});
       const check = CHECKS[${JSON.stringify(entry.name)}];
       return { names: Object.keys(api).sort(), checked: check && await check(api, window.${core.iife}, ${JSON.stringify(input)}) };`,
    );
    expect(result).toEqual({ names: entry.values, checked: EXPECTED[entry.name] });
    expect(errors).toEqual([]);
  });
}

for (const entry of inPages) {
  it(`dist/${entry.name}.js through <script type="module"> and an import map: exports its values and works`, async () => {
    const { page, errors } = await emptyPage();
    await page.addScriptTag({ type: 'importmap', content: JSON.stringify(importMapFor(entry)) });
    const specifier = entry === core ? CORE : `${CORE}/${entry.name}`;
    const result = await runModule(
      page,
      `const api = await import(${JSON.stringify(specifier)});
       const core = await import(${JSON.stringify(CORE)});
       const { CHECKS } = await import(${JSON.stringify(CHECKS_URL)});
       const check = CHECKS[${JSON.stringify(entry.name)}];
       return { names: Object.keys(api).sort(), checked: check && await check(api, core, ${JSON.stringify(input)}) };`,
    );
    expect(result).toEqual({ names: entry.values, checked: EXPECTED[entry.name] });
    expect(errors).toEqual([]);
  });
}

it('dist/tokenvault.js loads its lazy DPoP chunk from dist/chunks/ when oauth2({ dpop: true }) first needs it', async () => {
  const { page, errors } = await emptyPage();
  const loaded: string[] = [];
  page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/dist/')) loaded.push(pathname);
  });
  await page.addScriptTag({ type: 'importmap', content: JSON.stringify(importMapFor(core)) });
  const result = await runModule(
    page,
    `const { createSession, oauth2, beginSignIn, TokenVaultError } = await import('tokenvault');
     const provider = oauth2({ tokenEndpoint: 'http://127.0.0.1:9/token', clientId: 'spa', dpop: true });
     createSession({ name: 'chunk', provider, persist: 'memory' });
     const before = performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/chunks/')).length;
     const url = new URL(await beginSignIn(provider, { authorizationEndpoint: 'http://127.0.0.1:9/authorize', redirectUri: location.href }));
     const refused = await provider.dpop.proof('GET', location.href).catch((error) => error);
     return { before, jkt: url.searchParams.get('dpop_jkt').length, sameClass: refused instanceof TokenVaultError, code: refused.code };`,
  );
  expect(result).toEqual({ before: 0, jkt: 43, sameClass: true, code: 'not_signed_in' });
  expect(loaded.filter((path) => path.startsWith('/dist/chunks/'))).toEqual([expect.stringMatching(/^\/dist\/chunks\/dpop-signer-[\w-]{8}\.js$/)]);
  expect(errors).toEqual([]);
});
