import { expect, vi } from 'vitest';
import { TokenVaultError } from '../src/errors.js';
import type { Session, SessionEvents } from '../src/index.js';
import type { FetchLike } from '../src/providers/types.js';

const base64url = (value: string): string => Buffer.from(value).toString('base64url');

/** An unsigned JWT with the given claims; tokenvault only decodes, so no signature is needed. */
export function jwt(claims: Record<string, unknown>): string {
  return `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}.sig`;
}

let serial = 0;
/** A fresh OAuth 2.0 token response; each call gives new, unique token strings. */
export function tokenResponse(options: { lifetime?: number; refreshToken?: string | null; sub?: string; pad?: number } = {}) {
  serial++;
  const nowSeconds = Math.floor(Date.now() / 1000);
  const lifetime = options.lifetime ?? 3600;
  const claims = { sub: options.sub ?? 'user-1', iat: nowSeconds, exp: nowSeconds + lifetime, n: serial };
  return {
    access_token: jwt({ ...claims, scope: 'openid', pad: 'a'.repeat(options.pad ?? 0) }),
    id_token: jwt({ ...claims, email: 'ada@example.com', name: 'Ada' }),
    ...(options.refreshToken === null ? {} : { refresh_token: options.refreshToken ?? `rt-${serial}-${'r'.repeat(24)}` }),
    expires_in: lifetime,
    token_type: 'Bearer',
  };
}

export interface FakeEndpoint {
  fetch: FetchLike & ReturnType<typeof vi.fn>;
  /** Bodies of the token requests received, parsed. */
  requests: URLSearchParams[];
  /** The next answers; when empty, a fresh rotated token response is sent. */
  queue: Array<Response | Error | (() => Promise<Response>)>;
  lifetime: number;
  rotate: boolean;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** A token endpoint in a function: answers refreshes with fresh (by default rotated) tokens. */
export function fakeEndpoint(lifetime = 3600): FakeEndpoint {
  const endpoint: FakeEndpoint = {
    requests: [],
    queue: [],
    lifetime,
    rotate: true,
    fetch: vi.fn(async (_url: string, init: RequestInit) => {
      const form = new URLSearchParams(String(init.body));
      endpoint.requests.push(form);
      const next = endpoint.queue.shift();
      if (next instanceof Error) throw next;
      if (typeof next === 'function') return next();
      if (next !== undefined) return next;
      const fresh = tokenResponse({ lifetime: endpoint.lifetime });
      return json(200, endpoint.rotate ? fresh : { ...fresh, refresh_token: undefined });
    }) as FakeEndpoint['fetch'],
  };
  return endpoint;
}

// Captured before any test fakes the timers.
const realSetTimeout = globalThis.setTimeout;

/**
 * Lets promises, fake-indexeddb (on the real setImmediate) and WebCrypto
 * (on Node's thread pool, so in real time) settle while the fake clock stands still.
 */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (i % 5 === 4) await new Promise((resolve) => realSetTimeout(resolve, 1));
  }
}

/** Lets promises settle, without waiting for real time: enough when nothing touches IndexedDB or WebCrypto. */
async function settleQuickly(rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Fake timers for the scheduler; setImmediate stays real so IndexedDB keeps working. */
export function useFakeClock(start = Date.UTC(2026, 10, 26, 12)): void {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    now: start,
  });
}

/**
 * Advances the fake clock step by step, letting promises settle in between.
 * Sessions whose timing is under test use `persist: 'memory'`: WebCrypto runs
 * in real time, and the fake clock would race ahead of it.
 */
export async function advance(ms: number, step = 1000): Promise<void> {
  for (let left = ms; left > 0; left -= step) {
    await vi.advanceTimersByTimeAsync(Math.min(step, left));
    await settleQuickly(10);
  }
  await settle(20);
}

/** The TokenVaultError a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<TokenVaultError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TokenVaultError);
    return error as TokenVaultError;
  }
  throw new Error('expected a rejection');
}

/** Holds the endpoint's next answer: `requested` settles when the request arrives, `answer()` sends the response. */
export function holdNextAnswer(endpoint: FakeEndpoint): { requested: Promise<void>; answer(response: Response): void } {
  let requested!: () => void;
  let release!: (response: Response) => void;
  const held = {
    requested: new Promise<void>((resolve) => (requested = resolve)),
    answer: (response: Response) => release(response),
  };
  endpoint.queue.push(() => {
    requested();
    return new Promise<Response>((resolve) => (release = resolve));
  });
  return held;
}

/** Records the events of `types` a session emits, in order, as [type, event] pairs. */
export function record<K extends keyof SessionEvents>(session: Session, ...types: K[]): Array<[K, SessionEvents[K]]> {
  const seen: Array<[K, SessionEvents[K]]> = [];
  for (const type of types) session.on(type, (event) => seen.push([type, event]));
  return seen;
}
