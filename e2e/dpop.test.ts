// DPoP (RFC 9449) in real Chromium against oidc-provider 9 (DPoP on) and a resource server that
// verifies proofs: the tokens are bound to the session's non-extractable key, the same token without
// a proof or with another key's proof is refused, refresh-token rotation keeps working across a
// reload and tabs, nonces work at both servers, and the key goes with sign-out.
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { appReady, jwtPayload } from './support/app-page.js';
import { launchChromium, requireChromium } from './support/browser.js';
import { startDpopResourceServer } from './support/dpop-resource-server.mjs';
import { DEMO_USER } from './support/oidc-server.mjs';
import { PAGES, startStack } from './support/stack.mjs';

requireChromium();

interface DpopWindow {
  app: {
    ready: Promise<void>;
    callbackError?: { code: string };
    signIn(): Promise<void>;
    callApi(url: string, mode: string): Promise<{ status: number; body: { error?: string; sub?: string }; challenge: string | null }>;
    inspectKey(): Promise<{ jwk: JWK; extractable: boolean; exported: string } | undefined>;
    pendingKeys(): Promise<number>;
    session: {
      getSnapshot(): { status: string; tokens?: { accessToken: string; refreshToken?: string; tokenType: string } };
      refresh(): Promise<void>;
      signOut(): Promise<void>;
    };
  };
}
declare const window: DpopWindow;

let stack: Awaited<ReturnType<typeof startStack>>;
let api: Awaited<ReturnType<typeof startDpopResourceServer>>;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  stack = await startStack({ accessTokenTtl: 120, dpopNonces: true });
  api = await startDpopResourceServer({ issuer: stack.oidc.issuer, audience: stack.oidc.resource, origins: [stack.web.origin] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await stack?.close();
});
beforeEach(async () => {
  stack.oidc.requireDpopNonce = false;
  api.requireNonce = false;
  context = await browser.newContext();
});
afterEach(async () => {
  await context?.close();
});

const pageUrl = (): string => stack.web.origin + PAGES.dpop;

async function openPage(): Promise<Page> {
  const page = await context.newPage();
  await page.goto(pageUrl());
  await appReady(page);
  return page;
}

async function signIn(page: Page): Promise<void> {
  await page.evaluate(() => window.app.signIn());
  await page.waitForURL(`${stack.oidc.issuer}/interaction/**`);
  await page.getByLabel('Username').fill(DEMO_USER.username);
  await page.getByLabel('Password').fill(DEMO_USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${pageUrl()}**`);
  await appReady(page);
  expect(await page.evaluate(() => window.app.callbackError)).toBeUndefined();
}

const tokens = (page: Page) => page.evaluate(() => window.app.session.getSnapshot().tokens!);
const callApi = (page: Page, mode: string, path = '/things') =>
  page.evaluate(([url, m]) => window.app.callApi(url, m), [`${api.origin}${path}?page=1`, mode] as const);
const invalidGrants = () => stack.oidc.grants.filter((grant) => grant.error === 'invalid_grant').length;

it('binds the tokens to a non-extractable key; the API takes them only with a proof of that key', async () => {
  const page = await openPage();
  await signIn(page);
  const { accessToken, tokenType } = await tokens(page);
  expect(tokenType).toBe('DPoP');
  const key = (await page.evaluate(() => window.app.inspectKey()))!;
  expect(key.extractable).toBe(false);
  expect(key.exported).toBe('InvalidAccessError');
  expect((jwtPayload(accessToken)['cnf'] as { jkt: string }).jkt).toBe(await calculateJwkThumbprint(key.jwk));
  // The sign-in's key moved into the session: nothing waits for a callback any more.
  expect(await page.evaluate(() => window.app.pendingKeys())).toBe(0);

  expect(await callApi(page, 'dpop')).toMatchObject({ status: 200, body: { sub: DEMO_USER.username } });
  for (const [mode, error] of [
    ['no-proof', 'invalid_dpop_proof'],
    ['bearer', 'invalid_token'],
    ['other-key', 'invalid_dpop_proof'],
    ['replay', 'invalid_dpop_proof'],
  ] as const) {
    expect(await callApi(page, mode), mode).toMatchObject({ status: 401, body: { error } });
  }
});

it('refreshes after a reload and through 20 rotations across 4 tabs with 0 invalid_grant; sign-out deletes the key', async () => {
  const first = await openPage();
  await signIn(first);
  const before = invalidGrants();
  await first.reload();
  await appReady(first);
  await first.evaluate(() => window.app.session.refresh());
  expect(await callApi(first, 'dpop')).toMatchObject({ status: 200 });

  const tabs = [first, await openPage(), await openPage(), await openPage()];
  const refreshTokens = new Set<string>();
  const refreshGrants = () => stack.oidc.grants.filter((grant) => grant.ok && grant.grantType === 'refresh_token').length;
  const grantsBefore = refreshGrants();
  let newest = (await tokens(first)).refreshToken!;
  for (let i = 0; i < 20; i++) {
    const tab = tabs[i % tabs.length]!;
    // A tab that has not yet heard of the newest tokens would adopt them under the lock instead of
    // refreshing (by design): each turn waits for the tab to catch up, so each is one rotation.
    await tab.waitForFunction((rt) => window.app.session.getSnapshot().tokens?.refreshToken === rt, newest);
    await tab.evaluate(() => window.app.session.refresh());
    newest = (await tokens(tab)).refreshToken!;
    refreshTokens.add(newest);
  }
  expect(refreshTokens.size).toBe(20);
  expect(refreshGrants() - grantsBefore).toBe(20);
  expect(invalidGrants()).toBe(before);
  // All four at once: one refreshes under the lock at a time, the others adopt or follow; none reuses a token.
  await Promise.all(tabs.map((tab) => tab.evaluate(() => window.app.session.refresh())));
  expect(invalidGrants()).toBe(before);
  for (const tab of tabs) expect(await callApi(tab, 'dpop', `/tab`)).toMatchObject({ status: 200 });

  await tabs[2]!.evaluate(() => window.app.session.signOut());
  for (const tab of tabs) {
    await tab.waitForFunction(() => window.app.session.getSnapshot().status === 'signedOut');
    expect(await tab.evaluate(() => window.app.inspectKey())).toBeUndefined();
  }
});

it('answers use_dpop_nonce at the provider and at the API with one retry each', async () => {
  stack.oidc.requireDpopNonce = true;
  api.requireNonce = true;
  const page = await openPage();
  const refusals = () => stack.oidc.grants.filter((grant) => grant.error === 'use_dpop_nonce').length;
  await signIn(page);
  expect(refusals()).toBe(1);
  // The provider's nonce is remembered: the refresh needs no second refusal.
  await page.evaluate(() => window.app.session.refresh());
  expect(stack.oidc.grants.at(-1)).toMatchObject({ ok: true, grantType: 'refresh_token' });

  const seen = api.requests.length;
  expect(await callApi(page, 'dpop')).toMatchObject({ status: 200 });
  expect(api.requests.slice(seen).map(({ ok, error }) => error ?? ok)).toEqual(['use_dpop_nonce', true]);
  // And the API's nonce is remembered too.
  expect(await callApi(page, 'dpop')).toMatchObject({ status: 200 });
  expect(api.requests.length).toBe(seen + 3);
});
