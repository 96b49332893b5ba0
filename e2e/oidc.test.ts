// The SDK in real Chromium against a real OpenID provider (oidc-provider):
// sign-in with PKCE, sealed persistence, refresh with rotation, revocation.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  appReady,
  callSession,
  appUrl,
  collectIssuedTokens,
  events,
  jwtPayload,
  leaksToken,
  openApp,
  readVault,
  refreshDirectly,
  signInThroughLoginPage,
  snapshot,
  tamperRecord,
  tryExportKey,
  waitForEvent,
  type AppWindow,
} from './support/app-page.js';
import { launchChromium, requireChromium } from './support/browser.js';
import { DEMO_USER } from './support/oidc-server.mjs';
import { startStack } from './support/stack.mjs';

requireChromium();
// Code passed to page.evaluate runs in the fixture page.
declare const window: AppWindow;

type Stack = Awaited<ReturnType<typeof startStack>>;
let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let issued: Set<string>;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

beforeEach(async () => {
  // Long enough that nothing refreshes unless a test shortens it.
  stack.oidc.accessTokenTtl = 120;
  context = await browser.newContext();
  issued = collectIssuedTokens(context, `${stack.oidc.issuer}/token`);
});

afterEach(async () => {
  await context?.close();
});

describe('tokenvault against oidc-provider in Chromium', () => {
  it('1. signs in through the provider login page; the session is signedIn with the right claims', async () => {
    const page = await openApp(context, stack);
    expect((await snapshot(page)).status).toBe('signedOut');

    await signInThroughLoginPage(page, stack);

    expect(await page.evaluate(() => window.app.callbackError)).toBeUndefined();
    const state = await snapshot(page);
    expect(state.status).toBe('signedIn');
    expect(state.claims).toMatchObject({
      iss: stack.oidc.issuer,
      aud: stack.oidc.clientId,
      sub: DEMO_USER.username,
      email: DEMO_USER.email,
      name: DEMO_USER.name,
    });
    expect(state.tokens?.refreshToken).toBeTruthy();
    // A JWT access token for the default resource, as an API would receive it.
    expect(jwtPayload(state.tokens!.accessToken)).toMatchObject({ iss: stack.oidc.issuer, aud: stack.oidc.resource, sub: 'alice' });
    expect(state.expiresAt! - state.tokens!.receivedAt).toBe(120_000);
    expect((await events(page)).map((e) => e.type)).toContain('signedIn');
    // The code and state are gone from the address bar, the PKCE entry from sessionStorage.
    expect(page.url()).toBe(appUrl(stack));
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([]);
  });

  it('2. IndexedDB holds a sealed record with no token in it, and a key that cannot be exported', async () => {
    const page = await openApp(context, stack);
    await signInThroughLoginPage(page, stack);
    const { tokens } = await snapshot(page);
    const secrets = [tokens!.accessToken, tokens!.idToken!, tokens!.refreshToken!];

    const vault = await readVault(page);
    expect(Object.keys(vault).sort()).toEqual(['key:e2e', 'record:e2e']);
    expect(vault['key:e2e']).toEqual({
      cryptoKey: { extractable: false, algorithm: { name: 'AES-GCM', length: 256 }, usages: expect.arrayContaining(['encrypt', 'decrypt']) },
    });
    const recordText = JSON.stringify(vault['record:e2e']);
    expect(recordText.length).toBeGreaterThan(secrets.join('').length);
    expect(leaksToken(recordText, secrets)).toBe(false);
    // Not even the claims are readable at rest.
    expect(recordText).not.toContain(DEMO_USER.email);

    const exportError = await tryExportKey(page, 'key:e2e');
    expect(exportError).toEqual(['InvalidAccessError', 'InvalidAccessError']);
  });

  it('3. a reload restores the session from the sealed record without a network request', async () => {
    const page = await openApp(context, stack);
    await signInThroughLoginPage(page, stack);
    const before = await snapshot(page);

    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.reload();
    await appReady(page);

    const after = await snapshot(page);
    expect(after.status).toBe('signedIn');
    expect(after.tokens).toEqual(before.tokens);
    expect(after.claims).toEqual(before.claims);
    // Discovery is the page's own doing; the token endpoint was never asked.
    expect(requests.filter((url) => url.startsWith(stack.oidc.issuer) && !url.includes('/.well-known/'))).toEqual([]);
    expect(stack.oidc.grants.filter((g) => g.grantType === 'refresh_token')).toEqual([]);
  });

  it('4. refreshes on its own before expiry, rotates the refresh token, and the old one is dead', async () => {
    stack.oidc.accessTokenTtl = 10;
    const page = await openApp(context, stack);
    await signInThroughLoginPage(page, stack);
    const before = await snapshot(page);
    const accessExp = jwtPayload(before.tokens!.accessToken)['exp'] as number;

    const refreshRequests: number[] = [];
    page.on('request', (request) => {
      if (request.url() === `${stack.oidc.issuer}/token` && request.method() === 'POST' && request.postData()?.includes('grant_type=refresh_token')) {
        refreshRequests.push(Date.now());
      }
    });
    const refreshed = await waitForEvent(page, 'refreshed', 20_000);
    await waitForEvent(page, 'rotated', 5_000);

    expect(refreshRequests).toHaveLength(1);
    // Sent before the old access token expired, by the server's own clock in the token.
    expect(refreshRequests[0]!).toBeLessThan(accessExp * 1000);
    expect(refreshed.at).toBeLessThan(before.expiresAt!);
    const after = await snapshot(page);
    expect(after.status).toBe('signedIn');
    expect(after.tokens!.accessToken).not.toBe(before.tokens!.accessToken);
    expect(after.tokens!.refreshToken).not.toBe(before.tokens!.refreshToken);
    expect(after.expiresAt!).toBeGreaterThan(before.expiresAt!);

    const reuse = await refreshDirectly(stack, before.tokens!.refreshToken!);
    expect(reuse).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'grant request is invalid' } });
  });

  it('5. revoke() kills the refresh token at the provider; signOut() leaves nothing in IndexedDB', async () => {
    const page = await openApp(context, stack);
    await signInThroughLoginPage(page, stack);
    const { tokens } = await snapshot(page);

    await callSession(page, 'revoke');
    expect((await events(page)).map((e) => e.type)).toContain('revoked');
    expect((await snapshot(page)).status).toBe('signedOut');
    expect((await refreshDirectly(stack, tokens!.refreshToken!)).body['error']).toBe('invalid_grant');

    await signInThroughLoginPage(page, stack);
    expect((await snapshot(page)).status).toBe('signedIn');
    expect(Object.keys(await readVault(page))).toContain('record:e2e');
    await callSession(page, 'signOut');
    expect((await snapshot(page)).status).toBe('signedOut');
    expect(await readVault(page)).toEqual({});
    expect((await events(page)).map((e) => e.type)).toContain('signedOut');
  });

  it('6. a record altered by one byte gives signedOut plus record_tampered on reload; a fresh sign-in works', async () => {
    const page = await openApp(context, stack);
    await signInThroughLoginPage(page, stack);

    await tamperRecord(page, 'record:e2e');

    await page.reload();
    await appReady(page);
    expect((await snapshot(page)).status).toBe('signedOut');
    const errors = (await events(page)).filter((e) => e.type === 'error');
    expect(errors.map((e) => e.code)).toEqual(['record_tampered']);
    expect(Object.keys(await readVault(page))).not.toContain('record:e2e');

    await signInThroughLoginPage(page, stack);
    expect((await snapshot(page)).status).toBe('signedIn');
    await page.reload();
    await appReady(page);
    expect((await snapshot(page)).status).toBe('signedIn');
  });

  it('7. tokens of 5 MB survive a reload', async () => {
    const page = await openApp(context, stack, 'big');
    const digests = await page.evaluate(async () => {
      const big = (seed: string) => seed.repeat(Math.ceil((5 * 1024 * 1024) / seed.length)).slice(0, 5 * 1024 * 1024);
      const b64 = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const now = Math.floor(Date.now() / 1000);
      const payload = { sub: 'alice', iat: now, exp: now + 3600, blob: big('groups-and-claims-') };
      const accessToken = `${b64(JSON.stringify({ alg: 'RS256' }))}.${b64(JSON.stringify(payload))}.c2ln`;
      const refreshToken = big('opaque-refresh-token-');
      await window.app.session.setTokens({ access_token: accessToken, refresh_token: refreshToken, expires_in: 3600, token_type: 'Bearer' });
      const sha = async (text: string) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))).join(',');
      return { access: await sha(accessToken), refresh: await sha(refreshToken), length: accessToken.length };
    });
    expect(digests.length).toBeGreaterThan(5 * 1024 * 1024);

    await page.reload();
    await appReady(page);
    const restored = await page.evaluate(async () => {
      const snap = window.app.session.getSnapshot();
      const sha = async (text: string) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))).join(',');
      return { status: snap.status, access: await sha(snap.tokens?.accessToken ?? ''), refresh: await sha(snap.tokens?.refreshToken ?? '') };
    });
    expect(restored).toEqual({ status: 'signedIn', access: digests.access, refresh: digests.refresh });
  });

  it('8. no token ever reaches localStorage, sessionStorage, cookies or the console', async () => {
    stack.oidc.accessTokenTtl = 10;
    const consoleText: string[] = [];
    context.on('console', (message) => consoleText.push(message.text()));
    context.on('weberror', (error) => consoleText.push(String(error.error())));

    const page = await openApp(context, stack);
    await signInThroughLoginPage(page, stack);
    await waitForEvent(page, 'rotated', 20_000);
    await page.reload();
    await appReady(page);
    await callSession(page, 'refresh');
    await callSession(page, 'revoke');

    // Every token the provider ever handed this browser: sign-in plus two refreshes.
    expect(issued.size).toBeGreaterThanOrEqual(3 * 3 - 2);
    const webStorage = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]));
    expect(leaksToken(webStorage, issued)).toBe(false);
    const cookies = await context.cookies();
    expect(leaksToken(JSON.stringify(cookies), issued)).toBe(false);
    expect(leaksToken(consoleText.join('\n'), issued)).toBe(false);
  });

  it('9. two tabs share each refresh, so rotation never trips the provider\'s reuse detection', async () => {
    stack.oidc.accessTokenTtl = 10;
    const first = await openApp(context, stack);
    await signInThroughLoginPage(first, stack);
    const second = await openApp(context, stack);
    expect((await snapshot(second)).status).toBe('signedIn');

    const seen = stack.oidc.grants.length;
    const refreshes = () => stack.oidc.grants.slice(seen).filter((g) => g.grantType === 'refresh_token');
    await expect.poll(() => refreshes().length, { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    // One request per cycle, none refused: a second tab refreshing with the old token would revoke the grant.
    expect(refreshes().every((g) => g.ok)).toBe(true);
    await expect
      .poll(async () => {
        const [a, b] = await Promise.all([snapshot(first), snapshot(second)]);
        return a.status === 'signedIn' && b.status === 'signedIn' && a.tokens?.refreshToken === b.tokens?.refreshToken;
      })
      .toBe(true);
    const current = (await snapshot(first)).tokens!.refreshToken!;
    expect((await refreshDirectly(stack, current)).status).toBe(200);
  });
});
