// Issue 10's proof, through the public API: 10,000 malformed token responses at setTokens() and
// 2,000 hostile answers at a refresh. Every call resolves or rejects with a code of the README's
// error table; nothing is left uncaught; a refused input changes neither the snapshot nor the
// sealed record; no message repeats a piece (16 characters or more) of any token; and only a
// provider's final word on the refresh token ends the session. Seeded: FUZZ_SEED=<n> replays
// another sequence, and a failure names the case that broke.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { cognito, createSession, oauth2, TokenVaultError, type FetchLike, type Provider, type Session } from '../src/index.js';
import { REQUEST_TIMEOUT_MS } from '../src/providers/http.js';
import { ASK_WINDOW } from '../src/tabs/tabs.js';
import { parseTokenResponse } from '../src/tokens.js';
import { hostileAnswer, type Dialect, type HostileAnswer } from './fuzz-answers.js';
import { Draw, malformedResponse } from './fuzz-inputs.js';
import { jwt, settle, tokenResponse, useFakeClock } from './helpers.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20_261_126);
const RESPONSES = 10_000;
const ANSWERS = 2_000;

// The codes an app may see, as the README's "Errors" table lists them.
const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md'), 'utf8');
const errorTable = /^### Errors\n([^]*?)^###? /m.exec(readme)?.[1] ?? '';
const CODES = new Set([...errorTable.matchAll(/^\| `([a-z_]+)` \|/gm)].map((match) => match[1]));

/** A piece of 16 characters or more of one of `tokens` in `text`, found the slow, obvious way; or undefined. */
function leakedPiece(text: string, tokens: readonly string[]): string | undefined {
  for (const token of tokens) {
    if (token.length < 16) continue;
    for (let at = 0; at + 16 <= text.length; at++) if (token.includes(text.slice(at, at + 16))) return text.slice(at, at + 16);
  }
}

/** Checks one error the way the README promises: a TokenVaultError with a listed code, and no piece of a token in it. */
function expectClean(error: unknown, tokens: readonly string[], label: string): asserts error is TokenVaultError {
  expect(error, label).toBeInstanceOf(TokenVaultError);
  const { code, message, providerCode } = error as TokenVaultError;
  expect(CODES.has(code), `${label}: code ${code}`).toBe(true);
  expect(leakedPiece(`${message} ${providerCode ?? ''}`, tokens), `${label}: ${message}`).toBeUndefined();
}

/** Everything in IndexedDB, as text: a write (a fresh IV every time) always changes it. */
async function storedBytes(): Promise<string> {
  const dump: Record<string, unknown> = {};
  for (const { name } of await indexedDB.databases()) {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name!);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    for (const store of db.objectStoreNames) {
      const request = db.transaction(store).objectStore(store).getAll();
      dump[`${name}/${store}`] = await new Promise((resolve) => (request.onsuccess = () => resolve(request.result)));
    }
    db.close();
  }
  return JSON.stringify(dump, (_, value: unknown) =>
    ArrayBuffer.isView(value) || value instanceof ArrayBuffer
      ? Buffer.from(value instanceof ArrayBuffer ? value : value.buffer).toString('hex')
      : value instanceof CryptoKey
        ? `CryptoKey ${value.algorithm.name}`
        : value,
  );
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): number => unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);
afterEach(() => {
  expect(unhandled).toEqual([]);
  vi.useRealTimers();
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

const unusedProvider = oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', fetch: async () => new Response('', { status: 503 }) });

describe(`fuzz (FUZZ_SEED=${SEED})`, () => {
  it('reads the error codes from the README', () => {
    expect(CODES.size).toBeGreaterThan(10);
    expect(CODES).toContain('invalid_token');
  });

  it(`${RESPONSES} malformed token responses at setTokens(): invalid_token, and nothing changes`, { timeout: 60_000 }, async () => {
    const draw = new Draw(SEED);
    const session = createSession({ name: 'fuzz-set-tokens', provider: unusedProvider });
    await session.ready;
    await session.setTokens(tokenResponse());
    let stored = await storedBytes();
    let accepted = 0;
    for (let i = 0; i < RESPONSES; i++) {
      const { value, tokens } = malformedResponse(draw);
      const label = `setTokens case ${i}`;
      let usable = true;
      try {
        parseTokenResponse(value, Date.now());
      } catch {
        usable = false;
      }
      const before = session.getSnapshot();
      const held = [before.tokens!.accessToken, before.tokens!.idToken ?? '', before.tokens!.refreshToken ?? ''];
      if (usable) {
        // Some defects are harmless (an ID token with an odd exp): those are taken, and checked no further.
        expect(await storedBytes(), `${label}: the record before it`).toBe(stored);
        await session.setTokens(value as never);
        stored = await storedBytes();
        accepted++;
        continue;
      }
      const error = await session.setTokens(value as never).then(() => undefined, (e: unknown) => e);
      expectClean(error, [...tokens, ...held], label);
      expect(error.code, label).toBe('invalid_token');
      expect(session.getSnapshot(), label).toBe(before);
      if (i % 1000 === 999) expect(await storedBytes(), `${label}: the record`).toBe(stored);
    }
    await settle();
    expect(await storedBytes()).toBe(stored);
    expect(accepted).toBeLessThan(RESPONSES / 10);
    session.dispose();
  });

  it.each<[Dialect, number]>([
    ['oauth2', ANSWERS],
    ['cognito', ANSWERS / 4],
  ])(`%s: %i hostile answers at a refresh; only the provider's final word ends the session`, { timeout: 60_000 }, async (dialect, count) => {
    useFakeClock();
    const draw = new Draw(SEED + count);
    let current: HostileAnswer | undefined;
    const fetch: FetchLike = (_url, _init) => {
      const behaviour = current?.behaviour ?? { kind: 'answer', respond: () => new Response('', { status: 503 }) };
      if (behaviour.kind === 'hang') return new Promise(() => undefined);
      if (behaviour.kind === 'throw') return Promise.reject(behaviour.thrown);
      return Promise.resolve(behaviour.respond() as Response);
    };
    const provider: Provider =
      dialect === 'oauth2'
        ? oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', fetch })
        : cognito({ region: 'eu-west-1', clientId: 'client-1', fetch });
    const session = createSession({ name: `fuzz-refresh-${dialect}`, provider, persist: 'memory' });
    const events: TokenVaultError[] = [];
    session.on('error', ({ error }) => events.push(error));
    await vi.advanceTimersByTimeAsync(ASK_WINDOW);
    await session.ready;
    const signIn = (): Promise<void> => session.setTokens(freshTokens(dialect, draw));
    await signIn();

    let ended = 0;
    for (let i = 0; i < count; i++) {
      const before = session.getSnapshot();
      const { value, tokens } = hostileAnswer(draw, dialect, before.tokens!.refreshToken!);
      const held = [...tokens, before.tokens!.accessToken, before.tokens!.idToken ?? ''];
      const label = `${dialect} case ${i}`;
      current = value;
      events.length = 0;
      const outcome = await settleRefresh(session);
      // A Retry-After holds back even an explicit refresh(): let the time the provider asked for pass.
      const retryAfter = outcome.ok ? 0 : ((outcome.error as TokenVaultError).retryAfter ?? 0);
      if (retryAfter > 0) vi.setSystemTime(Date.now() + (Math.min(retryAfter, 600) + 1) * 1000);
      for (const error of events) expectClean(error, held, `${label}: error event`);
      if (outcome.ok) {
        expect(value.terminal, label).toBe(false);
        expect(session.getSnapshot().status, label).toBe('signedIn');
        continue;
      }
      expectClean(outcome.error, held, label);
      if (value.terminal) {
        expect(outcome.error.code, label).toBe('invalid_grant');
        expect(session.getSnapshot().status, label).toBe('signedOut');
        ended++;
        current = undefined;
        await signIn();
        continue;
      }
      expect(outcome.error.code, label).not.toBe('invalid_grant');
      const after = session.getSnapshot();
      expect(after.status, label).toBe('signedIn');
      expect(after.tokens, label).toBe(before.tokens);
      expect(after.refreshAt, label).toBe(before.refreshAt);
    }
    // The generator does reach the one answer that ends a session, and not only that one.
    expect(ended).toBeGreaterThan(0);
    expect(ended).toBeLessThan(count / 4);
    session.dispose();
  });
});

describe(`fuzz: request rate with the app calling once a second (FUZZ_SEED=${SEED})`, () => {
  it('hostile failures for 10 simulated minutes: at most 6 requests in the first minute and 2 in each after', { timeout: 60_000 }, async () => {
    useFakeClock();
    const draw = new Draw(SEED + 1);
    const times: number[] = [];
    let start = 0;
    const fetch: FetchLike = async () => {
      times.push(Math.floor((Date.now() - start) / 1000));
      const { value } = hostileAnswer(draw, 'oauth2', 'rt-unused');
      const { behaviour } = value;
      if (behaviour.kind === 'hang') return new Promise(() => undefined);
      if (behaviour.kind === 'throw') throw behaviour.thrown;
      const response = behaviour.respond() as Response;
      // A provider that is down: its successes and its final word are left out (they end the outage).
      return value.terminal || (response.status > 199 && response.status < 300) ? new Response('', { status: 503 }) : response;
    };
    const session = createSession({
      name: 'fuzz-rate',
      persist: 'memory',
      provider: oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', fetch }),
      ports: { random: () => 0 },
    });
    await vi.advanceTimersByTimeAsync(ASK_WINDOW);
    await session.setTokens(tokenResponse({ lifetime: 3600 }));
    vi.setSystemTime(Date.now() + 3600_000 - 50_000); // due, still valid for 50 s
    start = Date.now();
    for (let second = 0; second < 600; second++) {
      session.getAccessToken().catch(() => undefined);
      await vi.advanceTimersByTimeAsync(1_000);
    }
    const perMinute = Array.from({ length: 10 }, (_, m) => times.filter((t) => t >= m * 60 && t < (m + 1) * 60).length);
    expect(perMinute[0], `requests per minute: ${perMinute.join(', ')}`).toBeLessThanOrEqual(6);
    for (const count of perMinute.slice(1)) expect(count, `requests per minute: ${perMinute.join(', ')}`).toBeLessThanOrEqual(2);
    expect(session.getSnapshot().status).toBe('signedIn');
    session.dispose();
  });
});

/** A signed-in token response of the dialect's shape, long-lived so the fake clock's half hours of timeouts never make it due. */
function freshTokens(dialect: Dialect, draw: Draw) {
  const now = Math.floor(Date.now() / 1000);
  const refreshToken = `rt-${draw.word(48)}`;
  if (dialect === 'oauth2') return { ...tokenResponse({ lifetime: 36_000 }), refresh_token: refreshToken };
  return {
    AccessToken: jwt({ sub: 'u', token_use: 'access', iat: now, exp: now + 36_000 }),
    IdToken: jwt({ sub: 'u', token_use: 'id', iat: now, exp: now + 36_000 }),
    RefreshToken: refreshToken,
    ExpiresIn: 36_000,
  };
}

/** Forces a refresh and lets it settle: at once for most answers, after the request timeout for a fetch that hangs. */
async function settleRefresh(session: Session): Promise<{ ok: true } | { ok: false; error: unknown }> {
  let outcome: { ok: true } | { ok: false; error: unknown } | undefined;
  session.refresh().then(
    () => (outcome = { ok: true }),
    (error: unknown) => (outcome = { ok: false, error }),
  );
  for (let round = 0; round < 20 && !outcome; round++) await new Promise((resolve) => setImmediate(resolve));
  if (!outcome) await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS);
  for (let round = 0; round < 20 && !outcome; round++) await new Promise((resolve) => setImmediate(resolve));
  expect(outcome, 'the refresh settled').toBeDefined();
  return outcome!;
}
