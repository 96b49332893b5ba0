// Sign-out at the provider on the `npm start` demo in Chromium: after Sign out, the provider's
// login has ended too, so Sign in shows the login form again instead of coming straight back.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, requireChromium } from './support/browser.js';
import { DEMO_USER } from './support/oidc-server.mjs';
import { PAGES, startStack } from './support/stack.mjs';

requireChromium();

let stack: Awaited<ReturnType<typeof startStack>>;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ accessTokenTtl: 120 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const status = (page: Page) => page.locator('#status').textContent();

async function logIn(page: Page): Promise<void> {
  await page.waitForURL(`${stack.oidc.issuer}/interaction/**`);
  await page.getByLabel('Username').fill(DEMO_USER.username);
  await page.getByLabel('Password').fill(DEMO_USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${stack.web.origin}${PAGES.demo}`);
  await expect.poll(() => status(page)).toBe('signedIn');
}

it('Sign out ends the login at the provider: the next Sign in shows the login form again', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const endSession: URL[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(`${stack.oidc.issuer}/session/end?`)) endSession.push(new URL(request.url()));
  });
  await page.goto(stack.web.origin + PAGES.demo);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await logIn(page);
  // Back on the demo once the provider is done: the page is on the demo's URL before it leaves, too.
  const back = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame() && frame.url() === stack.web.origin + PAGES.demo && endSession.length > 0,
  });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await back;
  await expect.poll(() => status(page)).toBe('signedOut');
  expect(endSession).toHaveLength(1);
  const params = Object.fromEntries(endSession[0]!.searchParams);
  expect(params).toMatchObject({ client_id: stack.oidc.clientId, post_logout_redirect_uri: stack.web.origin + PAGES.demo });
  expect(params['id_token_hint']).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

  await page.getByRole('button', { name: 'Sign in' }).click();
  await logIn(page); // waits for the login form: the provider asked again
  expect(pageErrors).toEqual([]);
  await context.close();
});

it('without it, the provider’s login survives a local sign-out (what the test above guards against)', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(stack.web.origin + PAGES.demo);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await logIn(page);
  await page.getByRole('button', { name: 'Revoke' }).click();
  await expect.poll(() => status(page)).toBe('signedOut');
  const loginForms: Promise<boolean>[] = [];
  page.on('response', (response) => {
    if (response.url().startsWith(`${stack.oidc.issuer}/interaction/`)) loginForms.push(response.text().then((html) => html.includes('name="password"'), () => false));
  });
  // Straight back with a code (the URL is the demo's before it leaves, so wait for the callback itself).
  const callback = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame() && frame.url().startsWith(`${stack.web.origin}${PAGES.demo}?code=`),
  });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await callback;
  await expect.poll(() => status(page), { timeout: 10_000 }).toBe('signedIn');
  expect(await Promise.all(loginForms)).not.toContain(true);
  await context.close();
});
