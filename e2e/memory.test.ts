// persist: 'memory' in real Chromium: nothing reaches IndexedDB, a new tab gets the
// session from an open tab on request (the one time tokens cross the channel), refreshes
// reach every tab, and the session ends with the last tab.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { appReady, callSession, openApp, readVault, signInThroughLoginPage, snapshot, type StackInfo } from './support/app-page.js';
import { launchChromium, requireChromium } from './support/browser.js';
import { PAGES, startStack } from './support/stack.mjs';

requireChromium();

let stack: Awaited<ReturnType<typeof startStack>>;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  stack = await startStack({ accessTokenTtl: 30 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});
beforeEach(async () => {
  context = await browser.newContext();
});
afterEach(async () => {
  await context?.close();
});

async function openMemoryTab(info: StackInfo): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${info.web.origin}${PAGES.fixture}?name=mem&persist=memory`);
  await appReady(page);
  return page;
}

it('memory sessions: shared with new tabs on request, refreshed for all, gone with the last tab, never on disk', async () => {
  // Real tokens from a real sign-in, in a page of their own; the memory tabs get them through setTokens.
  const signIn = await openApp(context, stack, 'sign-in');
  await signInThroughLoginPage(signIn, stack);
  const issued = (await snapshot(signIn)).tokens!;
  await callSession(signIn, 'signOut');
  await signIn.close();

  const first = await openMemoryTab(stack);
  await first.evaluate(
    (t) =>
      (window as unknown as { app: { session: { setTokens(r: unknown): Promise<void> } } }).app.session.setTokens({
        access_token: t.accessToken,
        id_token: t.idToken,
        refresh_token: t.refreshToken,
        expires_in: Math.round((t.expiresAt - Date.now()) / 1000),
      }),
    issued,
  );
  const second = await openMemoryTab(stack);
  expect((await snapshot(second)).tokens?.refreshToken).toBe(issued.refreshToken);

  await callSession(second, 'refresh');
  const refreshed = (await snapshot(second)).tokens!;
  expect(refreshed.refreshToken).not.toBe(issued.refreshToken);
  await expect.poll(async () => (await snapshot(first)).tokens?.refreshToken, { timeout: 2_000 }).toBe(refreshed.refreshToken);

  expect(Object.keys(await readVault(first)).filter((key) => key.endsWith(':mem'))).toEqual([]);

  await first.close();
  await second.close();
  const later = await openMemoryTab(stack);
  expect((await snapshot(later)).status).toBe('signedOut');
});
