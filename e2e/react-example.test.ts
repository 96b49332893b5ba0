// examples/react built with Vite and run in Chromium against oidc-provider and a resource server
// that verifies the access token with jose: the wrapper as a React app uses it.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { collectIssuedTokens, leaksToken } from './support/app-page.js';
import { launchChromium, requireChromium } from './support/browser.js';
import { DEMO_USER } from './support/oidc-server.mjs';
import { startReactExample } from './support/react-example.mjs';

requireChromium();

let example: Awaited<ReturnType<typeof startReactExample>>;
let browser: Browser;
let context: BrowserContext;
let issued: Set<string>;
let pageErrors: string[];

beforeAll(async () => {
  example = await startReactExample();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await example?.close();
});

beforeEach(async () => {
  context = await browser.newContext();
  issued = collectIssuedTokens(context, `${example.oidc.issuer}/token`);
  pageErrors = [];
});

afterEach(async () => {
  await context?.close();
});

async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(example.origin + path);
  return page;
}

const status = (page: Page) => page.getByTestId('status').textContent();
const tokenRequests = (page: Page, grantType: string): string[] => {
  const seen: string[] = [];
  page.on('request', (request) => {
    if (request.url() === `${example.oidc.issuer}/token` && request.postData()?.includes(`grant_type=${grantType}`)) seen.push(request.url());
  });
  return seen;
};

async function signInFromLoginPage(page: Page): Promise<void> {
  await page.waitForURL(`${example.oidc.issuer}/interaction/**`);
  await page.getByLabel('Username').fill(DEMO_USER.username);
  await page.getByLabel('Password').fill(DEMO_USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('examples/react in Chromium', () => {
  it('signs in from the protected page, lands back on it, and the API accepts the token', async () => {
    const page = await open('/orders?view=all');
    const codeExchanges = tokenRequests(page, 'authorization_code');
    // Signed out on a protected page: RequireSignIn starts sign-in on its own.
    await signInFromLoginPage(page);

    // Back through /callback to the page sign-in started from (appState), with the code gone from the URL.
    await page.waitForURL(`${example.origin}/orders?view=all`);
    await expect.poll(() => page.getByTestId('api-sub').textContent()).toBe(DEMO_USER.username);
    expect(await status(page)).toBe('signedIn');
    expect(await page.getByTestId('user').textContent()).toBe(DEMO_USER.name);
    // StrictMode mounted the callback twice: one code exchange.
    expect(codeExchanges).toHaveLength(1);
    // The resource server verified the token's signature, issuer and audience with jose.
    expect(example.api.requests.filter((r) => r.path === '/orders')).toContainEqual(expect.objectContaining({ ok: true, sub: DEMO_USER.username }));

    // Nothing of the tokens in the address bar, the history or web storage.
    const stored = await page.evaluate(() => JSON.stringify([location.href, history.length, { ...localStorage }, { ...sessionStorage }, document.cookie]));
    expect(issued.size).toBeGreaterThan(0);
    expect(leaksToken(stored, issued)).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('a reload restores the session without a token request and calls the API again', async () => {
    const page = await open('/orders');
    await signInFromLoginPage(page);
    await expect.poll(() => page.getByTestId('api-sub').textContent()).toBe(DEMO_USER.username);
    const apiCallsBefore = example.api.requests.length;

    const tokenEndpointCalls: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${example.oidc.issuer}/token`)) tokenEndpointCalls.push(request.url());
    });
    await page.reload();
    await expect.poll(() => page.getByTestId('api-sub').textContent()).toBe(DEMO_USER.username);
    expect(await status(page)).toBe('signedIn');
    expect(tokenEndpointCalls).toEqual([]);
    // Nobody was sent to the provider either.
    expect(page.url()).toBe(`${example.origin}/orders`);
    expect(example.api.requests.length).toBeGreaterThan(apiCallsBefore);
    expect(pageErrors).toEqual([]);
  });

  it('a second tab follows the sign-out of the first', async () => {
    const first = await open('/');
    await first.getByRole('button', { name: 'Sign in' }).click();
    await signInFromLoginPage(first);
    await first.waitForURL(`${example.origin}/`);
    await expect.poll(() => status(first)).toBe('signedIn');

    const second = await open('/');
    await expect.poll(() => status(second)).toBe('signedIn');
    await expect.poll(() => second.getByTestId('user').textContent()).toBe(DEMO_USER.name);

    await first.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => status(first)).toBe('signedOut');
    await expect.poll(() => status(second)).toBe('signedOut');
    expect(await second.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('a bogus callback shows the typed error, not a blank page', async () => {
    const page = await open('/callback?code=forged&state=never-started');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('invalid_state');
    expect(new URL(page.url()).search).toBe('');
    expect(await status(page)).toBe('signedOut');
    expect(pageErrors).toEqual([]);
  });
});
