// The Cognito provider in real Chromium, against cognito-local (an emulator of
// the Cognito user-pool API) on 127.0.0.1: the SDK as a CDN user loads it
// (dist/tokenvault.iife.min.js, window.TokenVault), sign-in with
// USER_PASSWORD_AUTH, refresh through REFRESH_TOKEN_AUTH, revocation.
//
// What cognito-local 5.3 lacks, and where it is covered instead:
// - GetTokensFromRefreshToken (refresh-token rotation) answers
//   `500 CognitoLocal#Unsupported`: test/providers/cognito.test.ts and
//   test/providers/cognito-session.test.ts cover the request, the rotated
//   token and RefreshTokenReuseException on the documented AWS shapes. The
//   last test here fails once the emulator learns the operation, as a reminder.
// - No `/oauth2/revoke` (404), and `/oauth2/token` always says expires_in 3600:
//   managed-login refresh and revocation are unit-tested.
// - No `ExpiresIn` in AuthenticationResult: the SDK falls back to `exp`
//   corrected by `iat` (which these tests exercise); ExpiresIn is unit-tested.
// - Refresh tokens are readable JWTs (opaque on AWS) and tokens carry `jti`
//   but no `origin_jti`; large tokens (16 KB, 1 MB) are unit-tested.
// - Wrong passwords give InvalidPasswordException (AWS: NotAuthorizedException).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../src/index.js';
import { createVerifier } from '../src/verify.js';
import { launchChromium, requireChromium } from './support/browser.js';
import { startCognitoLocal } from './support/cognito-local.mjs';
import { startStaticServer } from './support/static-server.mjs';

requireChromium();

type CognitoLocal = Awaited<ReturnType<typeof startCognitoLocal>>;
type Pool = Awaited<ReturnType<CognitoLocal['createUserPool']>>;
interface AuthenticationResult {
  AccessToken: string;
  IdToken: string;
  RefreshToken: string;
}
/** What the page records of each session event: never a token. */
interface SeenEvent {
  type: string;
  source?: string;
  code?: string;
  providerCode?: string;
}
type TestWindow = Window & {
  TokenVault: typeof import('../src/index.js');
  session: Session;
  seen: SeenEvent[];
};
declare const window: TestWindow;

// A real file from the static server: a page whose response Playwright fulfils itself has no
// address space, so Chromium's Local Network Access treats it as public and blocks its calls to 127.0.0.1.
const PAGE_PATH = '/e2e/fixtures/cognito.html';
const SESSION_NAME = 'cognito-e2e';

let cognitoLocal: CognitoLocal;
let web: { origin: string; close(): Promise<void> };
let browser: Browser;
let context: BrowserContext;
/** User-pool API calls the pages made, as the network saw them: operation and AuthFlow only. */
let apiCalls: Array<{ operation: string; authFlow?: string }>;
let consoleText: string[];

beforeAll(async () => {
  cognitoLocal = await startCognitoLocal();
  web = await startStaticServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await cognitoLocal?.close();
});

beforeEach(async () => {
  apiCalls = [];
  consoleText = [];
  context = await browser.newContext();
  context.on('request', (request) => {
    if (request.url() !== cognitoLocal.endpoint || request.method() !== 'POST') return;
    const operation = (request.headers()['x-amz-target'] ?? '').split('.')[1] ?? '';
    const body = request.postDataJSON() as { AuthFlow?: string } | null;
    apiCalls.push({ operation, ...(body?.AuthFlow ? { authFlow: body.AuthFlow } : {}) });
  });
  context.on('console', (message) => consoleText.push(message.text()));
});

afterEach(async () => {
  await context?.close();
});

/** Opens the page and starts the session in it. */
async function openSession(pool: Pool): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${web.origin}${PAGE_PATH}`);
  const hasCognito = await page.evaluate(() => typeof window.TokenVault?.cognito === 'function');
  if (!hasCognito) throw new Error('dist/tokenvault.iife.min.js has no cognito(): run `npm run build` first.');
  await startSession(page, pool);
  return page;
}

/** Creates the page's session with `cognito({ clientId, endpoint })` (again after a reload), recording its events. */
async function startSession(page: Page, pool: Pool): Promise<void> {
  await page.evaluate(
    async ({ clientId, endpoint, name }) => {
      const { createSession, cognito } = window.TokenVault;
      const session = createSession({ name, provider: cognito({ clientId, endpoint }) });
      window.seen = [];
      for (const type of ['signedIn', 'refreshed', 'rotated', 'revoked', 'expired', 'signedOut', 'error'] as const) {
        session.on(type, (event) => {
          const e = event as { source?: string; error?: { code: string; providerCode?: string } };
          window.seen.push({
            type,
            ...(e.source ? { source: e.source } : {}),
            ...(e.error ? { code: e.error.code } : {}),
            ...(e.error?.providerCode ? { providerCode: e.error.providerCode } : {}),
          });
        });
      }
      window.session = session;
      await session.ready;
    },
    { clientId: pool.clientId, endpoint: cognitoLocal.endpoint, name: SESSION_NAME },
  );
}

function setTokens(page: Page, result: AuthenticationResult): Promise<void> {
  return page.evaluate((r) => window.session.setTokens(r), result);
}

/** The snapshot without its tokens (tests compare tokens inside the page, never print them). */
function publicSnapshot(page: Page) {
  return page.evaluate(() => {
    // refreshAt is left out too: it carries fresh jitter after every restore.
    const { tokens: _tokens, refreshAt: _refreshAt, ...rest } = window.session.getSnapshot();
    return JSON.parse(JSON.stringify(rest)) as {
      status: string;
      groups?: string[];
      username?: string;
      claims?: Record<string, unknown>;
      expiresAt?: number;
    };
  });
}

function seen(page: Page): Promise<SeenEvent[]> {
  return page.evaluate(() => window.seen);
}

/** Waits, without a clock, until the page has recorded an event of `type`. */
async function waitForEvent(page: Page, type: string): Promise<void> {
  await page.waitForFunction((t) => window.seen.some((e) => e.type === t), type, { timeout: 45_000, polling: 100 });
}

/** Whether a refresh token still works at the emulator (asked from node, not through the page). */
async function refreshTokenWorks(pool: Pool, refreshToken: string): Promise<boolean | string> {
  try {
    await cognitoLocal.call('InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: pool.clientId,
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    });
    return true;
  } catch (error) {
    return (error as { type?: string }).type ?? String(error);
  }
}

function expectNoTokenLeak(page: Page, tokens: string[]): Promise<void> {
  return page.evaluate(() => [JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage }), document.cookie]).then((stores) => {
    const haystack = [...stores, ...consoleText].join('\n');
    for (const token of tokens) expect(haystack.includes(token), 'a token reached web storage, a cookie or the console').toBe(false);
  });
}

describe('tokenvault with cognito() against cognito-local in Chromium', () => {
  it('takes a USER_PASSWORD_AUTH result, then refreshes on its own through REFRESH_TOKEN_AUTH before expiry', async () => {
    // 10 s tokens: the SDK refreshes at a share of the lifetime. The wait below is for an event, not a duration.
    const pool = await cognitoLocal.createUserPool({ tokenValiditySeconds: 10, groups: ['admins', 'editors'] });
    const signedIn = (await pool.signIn()) as AuthenticationResult;
    const page = await openSession(pool);

    await setTokens(page, signedIn);
    const before = await publicSnapshot(page);
    expect(before.status).toBe('signedIn');
    expect(before.groups).toEqual(['admins', 'editors']);
    expect(before.username).toBe(pool.sub); // the emulator's username is the sub when email is the username attribute
    expect(before.claims).toMatchObject({ token_use: 'id', aud: pool.clientId, iss: pool.issuer, email: 'alice@example.test' });

    await waitForEvent(page, 'refreshed');

    expect(apiCalls[0]).toEqual({ operation: 'InitiateAuth', authFlow: 'REFRESH_TOKEN_AUTH' });
    const outcome = await page.evaluate(
      async (old) => {
        const { tokens } = window.session.getSnapshot();
        return {
          accessTokenChanged: tokens?.accessToken !== old.AccessToken,
          idTokenChanged: tokens?.idToken !== old.IdToken,
          refreshTokenKept: tokens?.refreshToken === old.RefreshToken,
          getAccessTokenIsCurrent: (await window.session.getAccessToken()) === tokens?.accessToken,
        };
      },
      signedIn,
    );
    expect(outcome).toEqual({ accessTokenChanged: true, idTokenChanged: true, refreshTokenKept: true, getAccessTokenIsCurrent: true });
    const events = await seen(page);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(events.map((e) => e.type)).not.toContain('rotated');
    expect((await publicSnapshot(page)).groups).toEqual(['admins', 'editors']);
    await expectNoTokenLeak(page, [signedIn.AccessToken, signedIn.IdToken, signedIn.RefreshToken]);
  });

  it('a refresh token revoked elsewhere (RevokeToken) makes the next refresh fail: revoked, signed out', async () => {
    const pool = await cognitoLocal.createUserPool({ tokenValiditySeconds: 3600 });
    const signedIn = (await pool.signIn()) as AuthenticationResult;
    const page = await openSession(pool);
    await setTokens(page, signedIn);

    // Another device or an admin revokes the refresh token.
    await cognitoLocal.call('RevokeToken', { ClientId: pool.clientId, Token: signedIn.RefreshToken });
    const failure = await page.evaluate(() =>
      window.session.refresh().then(
        () => 'refreshed',
        (error: { code: string; providerCode?: string }) => ({ code: error.code, providerCode: error.providerCode }),
      ),
    );

    expect(failure).toEqual({ code: 'invalid_grant', providerCode: 'NotAuthorizedException' });
    expect(apiCalls).toEqual([{ operation: 'InitiateAuth', authFlow: 'REFRESH_TOKEN_AUTH' }]);
    expect(await seen(page)).toEqual([
      { type: 'signedIn', source: 'local' },
      { type: 'error', code: 'invalid_grant', providerCode: 'NotAuthorizedException' },
      { type: 'revoked', source: 'provider' },
      { type: 'signedOut', source: 'provider' },
    ]);
    expect(await publicSnapshot(page)).toEqual({ status: 'signedOut' });
    // Signed out means forgotten: a reload finds nothing.
    await page.reload();
    await startSession(page, pool);
    expect(await publicSnapshot(page)).toEqual({ status: 'signedOut' });
  });

  it('session.revoke() sends RevokeToken: the refresh token is dead at the emulator and the session signed out', async () => {
    const pool = await cognitoLocal.createUserPool({ tokenValiditySeconds: 3600 });
    const signedIn = (await pool.signIn()) as AuthenticationResult;
    const page = await openSession(pool);
    await setTokens(page, signedIn);
    expect(await refreshTokenWorks(pool, signedIn.RefreshToken)).toBe(true);

    await page.evaluate(() => window.session.revoke());

    expect(apiCalls).toEqual([{ operation: 'RevokeToken' }]);
    expect(await publicSnapshot(page)).toEqual({ status: 'signedOut' });
    expect((await seen(page)).map((e) => e.type)).toEqual(['signedIn', 'revoked', 'signedOut']);
    expect(await refreshTokenWorks(pool, signedIn.RefreshToken)).toBe('NotAuthorizedException');
  });

  it('a reload restores the Cognito session from the sealed record, claims and groups included', async () => {
    const pool = await cognitoLocal.createUserPool({ tokenValiditySeconds: 3600, groups: ['readers'] });
    const signedIn = (await pool.signIn()) as AuthenticationResult;
    const page = await openSession(pool);
    await setTokens(page, signedIn);
    const before = await publicSnapshot(page);

    await page.reload();
    await startSession(page, pool);

    const after = await publicSnapshot(page);
    expect(after).toEqual(before);
    expect(after.groups).toEqual(['readers']);
    expect(await page.evaluate((old) => window.session.getSnapshot().tokens?.refreshToken === old, signedIn.RefreshToken)).toBe(true);
    expect(apiCalls).toEqual([]);
  });

  it('tokenvault/verify accepts the emulator\'s tokens against its JWKS and refuses them for another client', async () => {
    const pool = await cognitoLocal.createUserPool({ tokenValiditySeconds: 3600, groups: ['admins'] });
    const signedIn = (await pool.signIn()) as AuthenticationResult;
    const verifier = createVerifier({ clientId: pool.clientId, userPoolId: pool.poolId, issuer: pool.issuer, jwksUri: pool.jwksUri });

    expect(await verifier.verifyIdToken(signedIn.IdToken)).toMatchObject({ aud: pool.clientId, 'cognito:groups': ['admins'] });
    expect(await verifier.verifyAccessToken(signedIn.AccessToken)).toMatchObject({ client_id: pool.clientId, token_use: 'access' });
    await expect(verifier.verifyAccessToken(signedIn.IdToken)).rejects.toMatchObject({ code: 'verification_failed' });

    const other = createVerifier({ clientId: 'another-client', userPoolId: pool.poolId, issuer: pool.issuer, jwksUri: pool.jwksUri });
    await expect(other.verifyIdToken(signedIn.IdToken)).rejects.toMatchObject({ code: 'verification_failed' });
  });

  it('the emulator still lacks GetTokensFromRefreshToken (rotation is unit-tested instead)', async () => {
    const pool = await cognitoLocal.createUserPool({ tokenValiditySeconds: 3600 });
    const signedIn = (await pool.signIn()) as AuthenticationResult;
    await expect(
      cognitoLocal.call('GetTokensFromRefreshToken', { ClientId: pool.clientId, RefreshToken: signedIn.RefreshToken }),
    ).rejects.toMatchObject({ status: 500, type: 'CognitoLocal#Unsupported' });
  });
});
