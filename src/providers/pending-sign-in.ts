import { TokenVaultError } from '../errors.js';
import { requireOption } from './options.js';

/** What one tab remembers between the redirect out and the redirect back. Never tokens. */
export interface PendingSignIn {
  verifier: string;
  redirectUri: string;
  nonce?: string | undefined;
  issuer?: string | undefined;
  /** The app's own JSON value (a return path, …); present only when the app gave one. */
  appState?: unknown;
  createdAt: number;
}

const KEY_PREFIX = 'tokenvault:signin:';
/** A sign-in left unfinished for this long is forgotten (and its callback refused). */
const PENDING_MAX_AGE_MS = 15 * 60_000;

function storage(): Storage {
  let cause: unknown;
  try {
    // Reading it throws in sandboxed frames and some private modes.
    if (sessionStorage) return sessionStorage;
  } catch (error) {
    cause = error;
  }
  throw new TokenVaultError('storage_unavailable', 'sessionStorage is not available for the sign-in.', { cause });
}

/** The sign-in pending under `key`, unless it is missing, garbled or too old. */
function pendingAt(store: Storage, key: string): PendingSignIn | undefined {
  try {
    // A missing key parses to null, and reading from null throws: missing is as good as garbled.
    const pending = JSON.parse(store.getItem(key)!) as PendingSignIn;
    if (typeof pending.verifier == 'string' && Date.now() - pending.createdAt <= PENDING_MAX_AGE_MS) return pending;
  } catch {
    // Garbled.
  }
}

/**
 * Whether `value` is JSON data that comes back from a round trip as it went (no functions,
 * cycles, Dates, Maps, NaN, …). An object's undefined fields are fine: JSON leaves them out,
 * and reading them gives undefined either way.
 */
function isJson(value: unknown, open: Set<object>): boolean {
  if (value === null || typeof value == 'string' || typeof value == 'boolean') return true;
  if (typeof value == 'number') return Number.isFinite(value);
  if (typeof value != 'object' || open.has(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  const array = Array.isArray(value);
  if (!array && prototype !== Object.prototype && prototype !== null) return false;
  open.add(value);
  // Array.from turns holes into undefined, which JSON would turn into null.
  const items: unknown[] = array ? Array.from(value) : Object.values(value).filter((item) => item !== undefined);
  const fine = items.every((item) => isJson(item, open));
  open.delete(value);
  return fine;
}

/** Checks the app's state for the trip: JSON data, or `invalid_config`. */
export function checkAppState(appState: unknown): void {
  let json = false;
  try {
    json = isJson(appState, new Set());
  } catch {
    // Nested too deep for the stack (or a proxy that throws): not something to carry.
  }
  requireOption(json, 'beginSignIn(): appState must be JSON data (objects, arrays, strings, finite numbers, booleans, null).');
}

/** Keeps a sign-in for the trip out and back under its `state`, forgetting the ones abandoned long ago. */
export function keepPending(state: string, pending: PendingSignIn): void {
  const store = storage();
  for (const key of Object.keys(store)) if (key.startsWith(KEY_PREFIX) && !pendingAt(store, key)) store.removeItem(key);
  try {
    // JSON.stringify leaves out the undefined fields.
    store.setItem(KEY_PREFIX + state, JSON.stringify(pending));
  } catch (cause) {
    // Full (a large appState), or refused.
    throw new TokenVaultError('storage_unavailable', 'sessionStorage did not take the sign-in.', { cause });
  }
}

/** Takes the sign-in pending under `state` out of storage: a callback can use it once. */
export function takePending(state: string | null): PendingSignIn | undefined {
  const store = storage();
  // Without a state the key ends in "null", which no sign-in uses.
  const key = KEY_PREFIX + state;
  const pending = pendingAt(store, key);
  store.removeItem(key);
  return pending;
}
