import type { TokenSet } from './tokens.js';

/**
 * A session as it leaves a tab: to the sealed record, or to another tab that asked.
 * Times in `tokens` are on the device's wall clock; `version` orders writes across tabs.
 */
export interface StoredSession {
  readonly version: number;
  readonly tokens: TokenSet;
}

/** Whether a decrypted record or a tab's answer has the shape of a stored session. */
export function isStoredSession(value: unknown): value is StoredSession {
  const s = value as { version?: unknown; tokens?: Record<string, unknown> } | undefined;
  const t = s?.tokens;
  return (
    Number.isFinite(s?.version) &&
    Number.isFinite(t?.['expiresAt']) &&
    Number.isFinite(t?.['receivedAt']) &&
    typeof t?.['accessToken'] === 'string' &&
    typeof t['tokenType'] === 'string' &&
    [t['idToken'], t['refreshToken'], t['scope']].every((v) => v === undefined || typeof v === 'string')
  );
}

/**
 * The version of a new write: later than both `previous` and the clock, with a per-tab
 * fraction (in [0, 1)) so that two tabs writing in the same millisecond stay apart.
 */
export function nextVersion(previous: number, now: number, tabFraction: number): number {
  return Math.floor(Math.max(previous, now)) + 1 + tabFraction;
}

/**
 * The token set with its times moved by `offset` ms. A tab's clock runs ahead of the device's
 * wall clock once that was set back while the page was open (see `steadyClock`), and another
 * tab's by another amount, so times are converted on their way out (−offset) and in (+offset).
 */
export function shiftTimes(tokens: TokenSet, offset: number): TokenSet {
  return offset ? { ...tokens, expiresAt: tokens.expiresAt + offset, receivedAt: tokens.receivedAt + offset } : tokens;
}
