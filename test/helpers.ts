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

/**
 * A token endpoint with refresh-token rotation and reuse detection, as oidc-provider does it: a
 * refresh token sent a second time gets `invalid_grant`, and the whole grant dies with it.
 */
export function rotatingEndpoint(lifetime = 3600): FakeEndpoint & { readonly reuses: string[]; readonly grantAlive: boolean } {
  const endpoint = fakeEndpoint(lifetime);
  const used = new Set<string>();
  const reuses: string[] = [];
  let alive = true;
  const answer = endpoint.fetch.getMockImplementation() as FetchLike;
  endpoint.fetch.mockImplementation(async (url: string, init: RequestInit) => {
    const token = new URLSearchParams(String(init.body)).get('refresh_token');
    if (token !== null) {
      if (used.has(token)) {
        reuses.push(token);
        alive = false;
      }
      used.add(token);
      if (!alive) {
        endpoint.requests.push(new URLSearchParams(String(init.body)));
        return json(400, { error: 'invalid_grant', error_description: 'grant request is invalid' });
      }
    }
    return answer(url, init);
  });
  return Object.assign(endpoint, {
    reuses,
    get grantAlive() {
      return alive;
    },
  });
}

/** IndexedDB with faults to switch on: writes refused as if the disk were full, or `open` that never answers. */
export function faultyIndexedDB(real: IDBFactory): { indexedDB: IDBFactory; faults: { quota: boolean; hangOpen: boolean } } {
  const faults = { quota: false, hangOpen: false };
  // Methods are called on the real object; only the ones named are replaced.
  const wrap = <T extends object>(target: T, replace: Record<string, unknown>): T =>
    new Proxy(target, {
      get(object, key) {
        if (typeof key === 'string' && key in replace) return replace[key];
        const value = Reflect.get(object, key, object);
        return typeof value === 'function' ? value.bind(object) : value;
      },
      set: (object, key, value) => Reflect.set(object, key, value, object),
    });
  const quotaExceeded = (): never => {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
  const store = (real: IDBObjectStore): IDBObjectStore =>
    wrap(real, { put: (...args: Parameters<IDBObjectStore['put']>) => (faults.quota ? quotaExceeded() : real.put(...args)) });
  const database = (db: IDBDatabase): IDBDatabase =>
    wrap(db, {
      transaction: (...args: Parameters<IDBDatabase['transaction']>) => {
        const tx = db.transaction(...args);
        return wrap(tx, { objectStore: (name: string) => store(tx.objectStore(name)) });
      },
    });
  const indexedDB = wrap(real, {
    open: (name: string, version?: number) => {
      // A request whose handlers are never called: what a blocked or broken open looks like.
      if (faults.hangOpen) return {} as IDBOpenDBRequest;
      const request = real.open(name, version);
      return wrap(request, {
        get result() {
          return database(request.result);
        },
      });
    },
  });
  return { indexedDB, faults };
}
