// Helpers to drive e2e/fixtures/app.html (window.app) from the tests.
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_USER } from './oidc-server.mjs';
import { PAGES } from './stack.mjs';

/** The parts of the local stack the helpers need. */
export interface StackInfo {
  web: { origin: string };
  oidc: { issuer: string; clientId: string };
}

/** What the page recorded of one session event. */
export interface RecordedEvent {
  type: string;
  at: number;
  source?: string;
  code?: string;
}

/** A JSON-safe copy of the session snapshot (tokens included: tests compare them, never print them). */
export interface PageSnapshot {
  status: string;
  tokens?: { accessToken: string; idToken?: string; refreshToken?: string; expiresAt: number; receivedAt: number };
  claims?: Record<string, unknown>;
  expiresAt?: number;
  refreshAt?: number;
}

/** A value read raw from IndexedDB, with bytes as latin1 text and keys described, so node can inspect it. */
export type RawValue = { bytes: string } | { cryptoKey: { extractable: boolean; algorithm: unknown; usages: string[] } } | unknown;

/** The fixture page's window, for code run in the page with `page.evaluate`. */
export type AppWindow = Window & {
  app: {
    ready: Promise<void>;
    events: RecordedEvent[];
    callbackError?: { code: string; message: string };
    signIn(extraParams?: Record<string, string>): Promise<void>;
    session: {
      getSnapshot(): PageSnapshot;
      setTokens(response: unknown): Promise<void>;
      refresh(): Promise<void>;
      revoke(): Promise<void>;
      signOut(options?: { revoke?: boolean }): Promise<void>;
      fetch(input: string, init?: RequestInit): Promise<Response>;
    };
  };
};
declare const window: AppWindow;

/** The fixture page's URL, optionally with a session name. */
export function appUrl(stack: StackInfo, name?: string): string {
  return stack.web.origin + PAGES.fixture + (name === undefined ? '' : `?name=${encodeURIComponent(name)}`);
}

/** Waits until the page's session is restored and any sign-in callback handled. */
export async function appReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.app !== undefined);
  await page.evaluate(() => window.app.ready);
}

/** Opens the fixture page in a new tab and waits until it is ready. */
export async function openApp(context: BrowserContext, stack: StackInfo, name?: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(appUrl(stack, name));
  await appReady(page);
  return page;
}

/** The session snapshot, JSON-safe. */
export function snapshot(page: Page): Promise<PageSnapshot> {
  return page.evaluate(() => JSON.parse(JSON.stringify(window.app.session.getSnapshot())) as PageSnapshot);
}

/** Calls a session method in the page and waits for it. */
export function callSession(page: Page, method: 'refresh' | 'revoke' | 'signOut'): Promise<void> {
  return page.evaluate((m) => window.app.session[m](), method);
}

/** Events the page saw so far. */
export function events(page: Page): Promise<RecordedEvent[]> {
  return page.evaluate(() => window.app.events);
}

/** Waits until the page has seen an event of `type` (after `since` ms, if given). */
export async function waitForEvent(page: Page, type: string, timeout = 30_000, since = 0): Promise<RecordedEvent> {
  await page.waitForFunction(
    ([t, s]) => window.app.events.some((e) => e.type === t && e.at >= s),
    [type, since] as const,
    { timeout, polling: 100 },
  );
  const seen = await events(page);
  return seen.find((e) => e.type === type && e.at >= since)!;
}

/** Signs in through the provider's real login page, as a user would. */
export async function signInThroughLoginPage(page: Page, stack: StackInfo, password = DEMO_USER.password): Promise<void> {
  await page.evaluate(() => window.app.signIn());
  await page.waitForURL(`${stack.oidc.issuer}/interaction/**`);
  await page.getByLabel('Username').fill(DEMO_USER.username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${stack.web.origin}${PAGES.fixture}**`);
  await appReady(page);
}

/** What can be done to tokenvault's IndexedDB object store from inside the page, bypassing the SDK. */
type VaultOp = { op: 'read' } | { op: 'flipByte'; key: string } | { op: 'exportKey'; key: string };

/** Runs one raw IndexedDB operation in the page: what someone with the disk (or the devtools) could do. */
function vault<T>(page: Page, operation: VaultOp): Promise<T> {
  return page.evaluate(async (operation) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('tokenvault');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const done = <R>(request: IDBRequest<R>) =>
      new Promise<R>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const store = (mode: IDBTransactionMode) => db.transaction('vault', mode).objectStore('vault');
    try {
      if (operation.op === 'flipByte') {
        const record = (await done(store('readonly').get(operation.key))) as { data: ArrayBuffer | Uint8Array };
        const bytes = new Uint8Array(record.data instanceof ArrayBuffer ? record.data.slice(0) : record.data.slice());
        bytes[bytes.length >> 1]! ^= 0x01;
        record.data = record.data instanceof ArrayBuffer ? bytes.buffer : bytes;
        await done(store('readwrite').put(record, operation.key));
        return undefined;
      }
      if (operation.op === 'exportKey') {
        const key = (await done(store('readonly').get(operation.key))) as CryptoKey;
        const outcomes = [];
        for (const format of ['raw', 'jwk'] as const) {
          outcomes.push(await crypto.subtle.exportKey(format, key).then(() => 'exported', (e: Error) => e.name));
        }
        return outcomes;
      }
      if (!db.objectStoreNames.contains('vault')) return {};
      const [keys, values] = await Promise.all([done(store('readonly').getAllKeys()), done(store('readonly').getAll())]);
      const describe = (value: unknown): unknown => {
        if (value instanceof CryptoKey) {
          return { cryptoKey: { extractable: value.extractable, algorithm: value.algorithm, usages: value.usages } };
        }
        if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
          const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
          let text = '';
          for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          return { bytes: text };
        }
        if (typeof value === 'object' && value !== null) {
          return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describe(v)]));
        }
        return value;
      };
      return Object.fromEntries(keys.map((key, i) => [String(key), describe(values[i])]));
    } finally {
      db.close();
    }
  }, operation) as Promise<T>;
}

/** Everything in tokenvault's IndexedDB object store, by key; bytes as latin1 text, keys described. */
export function readVault(page: Page): Promise<Record<string, RawValue>> {
  return vault(page, { op: 'read' });
}

/** Flips one bit in the middle of a sealed record's ciphertext, in place. */
export function tamperRecord(page: Page, key: string): Promise<void> {
  return vault(page, { op: 'flipByte', key });
}

/** Tries `crypto.subtle.exportKey` (raw, jwk) on the stored key; the error names, or 'exported'. */
export function tryExportKey(page: Page, key: string): Promise<string[]> {
  return vault(page, { op: 'exportKey', key });
}

/** A JWT's payload, decoded without verification (tests compare, the SDK verifies nothing here). */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

/** Whether `haystack` holds any token, or any 24-character piece of one. */
export function leaksToken(haystack: string, tokens: Iterable<string>): boolean {
  for (const token of tokens) {
    if (haystack.includes(token)) return true;
    for (let i = 0; i + 24 <= token.length; i += 12) {
      if (haystack.includes(token.slice(i, i + 24))) return true;
    }
  }
  return false;
}

/** Collects every token the token endpoint hands to pages of `context`. */
export function collectIssuedTokens(context: BrowserContext, tokenEndpoint: string): Set<string> {
  const tokens = new Set<string>();
  context.on('response', async (response) => {
    if (!response.url().startsWith(tokenEndpoint) || response.request().method() !== 'POST') return;
    try {
      const body = (await response.json()) as Record<string, unknown>;
      for (const field of ['access_token', 'id_token', 'refresh_token']) {
        if (typeof body[field] === 'string') tokens.add(body[field]);
      }
    } catch {
      // Error answers and CORS preflights carry no tokens.
    }
  });
  return tokens;
}

/** Asks the provider directly (not through the page) to refresh with `refreshToken`. */
export async function refreshDirectly(stack: StackInfo, refreshToken: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${stack.oidc.issuer}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: stack.oidc.clientId }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
