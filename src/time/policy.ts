// When to refresh, and how long to wait after a failure: the numbers the README promises.

/** A short-lived token is refreshed when this share of its lifetime is left, if that is less than `refreshBefore`. */
const SHORT_LIFETIME_SHARE = 0.25;
/** Jitter adds up to this share of the margin, so tabs and devices do not all refresh at the same instant. */
const JITTER_SHARE = 0.1;
/** Backoff after failure number n (0-based): between half and all of min(cap, base · 2^n). */
const BACKOFF_BASE = 2_000;
const BACKOFF_CAP = 60_000;
/** A `Retry-After` longer than this is taken as this: a provider cannot park a session for days. */
export const RETRY_AFTER_CAP = 10 * BACKOFF_CAP;
/** After a successful refresh, the next one waits at least this long, however short the new tokens live. */
export const MIN_REFRESH_INTERVAL = 2_000;

/** When to refresh a token received at `receivedAt` that expires at `expiresAt`, jitter included (earlier, never later). */
export function nextRefreshAt(receivedAt: number, expiresAt: number, refreshBefore: number, random: () => number): number {
  const margin = Math.max(0, Math.min(refreshBefore, (expiresAt - receivedAt) * SHORT_LIFETIME_SHARE));
  return expiresAt - margin * (1 + random() * JITTER_SHARE);
}

/**
 * Delay before retry number `attempt` (0-based) after a failure, honouring a server's Retry-After.
 * "Equal jitter": never less than half the ceiling, so the request rate has a hard bound (1 s, 2 s,
 * 4 s, … then at least 30 s apart) whatever the random source says.
 */
export function backoffDelay(attempt: number, random: () => number, retryAfterMs = 0): number {
  // 2 ** attempt grows to Infinity, which the cap takes in its stride.
  const ceiling = Math.min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt);
  return Math.max(ceiling * (1 + random()) / 2, Math.min(retryAfterMs, RETRY_AFTER_CAP));
}
