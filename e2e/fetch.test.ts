// session.fetch in Chromium, against oidc-provider and two resource servers that verify access
// tokens with jose: the token goes to the allowed API only, and a refused token is refreshed once.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appReady, appUrl, openApp, signInThroughLoginPage, snapshot, type AppWindow } from './support/app-page.js';
import { launchChromium, requireChromium } from './support/browser.js';
import { DEMO_USER } from './support/oidc-server.mjs';
import { startResourceServer } from './support/resource-server.mjs';
import { startStack } from './support/stack.mjs';

requireChromium();
// Code passed to page.evaluate runs in the fixture page.
declare const window: AppWindow;

type Stack = Awaited<ReturnType<typeof startStack>>;
type Api = Awaited<ReturnType<typeof startResourceServer>>;
let stack: Stack;
let api: Api;
/** Another API on another port, not among the session's origins. */
let other: Api;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  stack = await startStack();
  stack.oidc.accessTokenTtl = 120;
  const servers = { issuer: stack.oidc.issuer, audience: stack.oidc.resource, origins: [stack.web.origin] };
  [api, other] = await Promise.all([startResourceServer(servers), startResourceServer(servers)]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([stack?.close(), api?.close(), other?.close()]);
});

beforeEach(async () => {
  context = await browser.newContext();
  page = await openApp(context, stack);
  await signInThroughLoginPage(page, stack);
  // The callback page has no query; the session comes back from its sealed record with the API allowed.
  await page.goto(`${appUrl(stack)}?origin=${encodeURIComponent(api.origin)}`);
  await appReady(page);
});

afterEach(async () => {
  await context?.close();
});

/** Calls session.fetch in the page for each URL at once; the statuses and the `sub` the API saw. */
function fetchInPage(...urls: string[]): Promise<Array<{ status: number; sub?: string }>> {
  return page.evaluate(
    (urls) =>
      Promise.all(
        urls.map(async (url) => {
          const response = await window.app.session.fetch(url);
          const body = (await response.json()) as { claims?: { sub?: string } };
          return { status: response.status, sub: body.claims?.sub };
        }),
      ),
    urls,
  );
}

const refreshes = () => stack.oidc.grants.filter((grant) => grant.grantType === 'refresh_token').length;

describe('session.fetch in Chromium', () => {
  it('sends the token to the allowed API, and nothing to an API on another port', async () => {
    const { accessToken } = (await snapshot(page)).tokens!;
    expect(await fetchInPage(`${api.origin}/orders`)).toEqual([{ status: 200, sub: DEMO_USER.username }]);
    expect(api.requests.at(-1)).toMatchObject({ path: '/orders', ok: true, authorization: `Bearer ${accessToken}` });

    expect(await fetchInPage(`${other.origin}/orders`)).toEqual([{ status: 401 }]);
    expect(other.requests.map(({ path, authorization }) => [path, authorization])).toEqual([['/orders', undefined]]);
  });

  it('a redirect from the allowed API to another origin arrives there without the token', async () => {
    const target = `${other.origin}/landing`;
    const seen = other.requests.length;
    const outcome = await page.evaluate(
      (url) => window.app.session.fetch(url).then((response) => String(response.status), (error: Error) => error.name),
      `${api.origin}/redirect?to=${encodeURIComponent(target)}`,
    );
    expect(api.requests.at(-1)).toMatchObject({ path: '/redirect', authorization: expect.stringMatching(/^Bearer /) });
    // The browser drops Authorization when a redirect crosses origins (Fetch §4.4), so no preflight is needed and the GET arrives.
    expect(other.requests.slice(seen).map(({ path, authorization }) => [path, authorization])).toEqual([['/landing', undefined]]);
    // A CORS redirect to a third origin makes the page's origin opaque, so that API's answer is not the page's to read.
    expect(['401', 'TypeError']).toContain(outcome);
  });

  it('a token the API refuses is refreshed once, and the retry succeeds', async () => {
    const { accessToken } = (await snapshot(page)).tokens!;
    api.invalidate(accessToken);
    const before = refreshes();
    const seen = api.requests.length;

    expect(await fetchInPage(`${api.origin}/me`)).toEqual([{ status: 200, sub: DEMO_USER.username }]);
    expect(refreshes() - before).toBe(1);
    const fresh = (await snapshot(page)).tokens!.accessToken;
    expect(fresh).not.toBe(accessToken);
    expect(api.requests.slice(seen).map(({ ok, authorization }) => [ok, authorization])).toEqual([
      [false, `Bearer ${accessToken}`],
      [true, `Bearer ${fresh}`],
    ]);
  });

  it('20 requests refused at once: one refresh, one retry each, all succeed', async () => {
    api.invalidate((await snapshot(page)).tokens!.accessToken);
    const before = refreshes();
    const seen = api.requests.length;

    const results = await fetchInPage(...Array.from({ length: 20 }, (_, i) => `${api.origin}/item/${i}`));
    expect(results).toEqual(Array(20).fill({ status: 200, sub: DEMO_USER.username }));
    expect(refreshes() - before).toBe(1);
    const sent = api.requests.slice(seen);
    expect(sent).toHaveLength(40);
    expect(sent.filter(({ ok }) => ok)).toHaveLength(20);
  });
});
