/** Browsers run a timeout longer than 2^31−1 ms at once; never ask for more. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;
/**
 * The longest we sleep before looking at the wall clock again. Timers stop
 * while a laptop sleeps and are throttled in background tabs; a deadline
 * re-checked every minute is missed by at most a minute after waking.
 */
export const WAKE_CHECK_INTERVAL = 60_000;
/** A short-lived token is refreshed when this share of its lifetime is left, if that is less than `refreshBefore`. */
export const SHORT_LIFETIME_SHARE = 0.25;
/** Jitter adds up to this share of the margin, so tabs and devices do not all refresh at the same instant. */
export const JITTER_SHARE = 0.1;
/** Backoff after a failed refresh: a random delay below min(cap, base · 2^attempt), never below the floor. */
export const BACKOFF_BASE = 2_000;
export const BACKOFF_CAP = 60_000;
export const BACKOFF_FLOOR = 500;

/** A wall clock that falls behind the monotonic one by more than this was set back. */
const SET_BACK_TOLERANCE = 1_000;

/**
 * The device's wall clock, kept from running backwards while the page is
 * open: when the clock is set back (by the user, or a large NTP correction),
 * time goes on from where it was at the rate of the monotonic clock, so a
 * token still falls due when it really expires. Forward jumps (sleep, a clock
 * set ahead) pass through, so deadlines missed meanwhile fall due at once.
 * Whole milliseconds, equal to `Date.now()` unless the clock was set back.
 */
export function steadyClock(): () => number {
  // Without `performance`, Date stands in for the monotonic clock: then this is Date.now().
  const monotonic = typeof performance === 'undefined' ? Date : performance;
  let last = Date.now();
  let lastTicks = monotonic.now();
  return () => {
    const wall = Date.now();
    const ticks = monotonic.now();
    const steady = last + ticks - lastTicks;
    lastTicks = ticks;
    return Math.floor((last = wall < steady - SET_BACK_TOLERANCE ? steady : wall));
  };
}

/** When to refresh a token received at `receivedAt` that expires at `expiresAt`, jitter included (earlier, never later). */
export function nextRefreshAt(receivedAt: number, expiresAt: number, refreshBefore: number, random: () => number): number {
  const margin = Math.max(0, Math.min(refreshBefore, (expiresAt - receivedAt) * SHORT_LIFETIME_SHARE));
  return expiresAt - margin * (1 + random() * JITTER_SHARE);
}

/** Delay before retry number `attempt` (0-based) after a failure; honours a server's Retry-After. */
export function backoffDelay(attempt: number, random: () => number, retryAfterMs = 0): number {
  // 2 ** attempt grows to Infinity, which the cap takes in its stride.
  return Math.max(
    BACKOFF_FLOOR,
    random() * Math.min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt),
    Math.min(retryAfterMs, BACKOFF_CAP * 10),
  );
}

/** Settles as `operation` does, or as `fallback()` does if `ms` pass first. */
export function orAfter<T>(operation: Promise<T>, ms: number, fallback: () => T | Promise<T>): Promise<T> {
  let timeout: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    operation,
    // Rounded up, so never early; Infinity waits as long as a timer can; NaN and negative delays
    // run at once (setTimeout's own rule). Called in then(), a fallback that throws rejects.
    new Promise((resolve) => (timeout = setTimeout(resolve, Math.min(Math.ceil(ms), MAX_TIMER_DELAY)))).then(fallback),
  ]).finally(() => clearTimeout(timeout));
}

/** Whether `operation` settles within `ms` (true), or the time runs out first (false). Rejections pass through. */
export function settlesWithin(operation: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = operation.then(() => true);
  return ms <= 0 ? settled : orAfter(settled, ms, () => false);
}

/** Calls `onDue` once the wall clock passes a deadline, surviving sleep, throttling and clock jumps. */
export interface DeadlineTimer {
  /** Sets (or replaces) the deadline, in ms on the clock. */
  schedule(at: number): void;
  cancel(): void;
  dispose(): void;
}

/** Creates a deadline timer on `now`; while it exists, it looks at the clock again whenever the page wakes up. */
export function createDeadlineTimer(now: () => number, onDue: () => void): DeadlineTimer {
  let deadline: number | undefined;
  let handle: ReturnType<typeof setTimeout> | undefined;

  const arm = (): void => {
    clearTimeout(handle);
    // At most a minute, so within what a timer honours; a past deadline (negative delay) runs at once.
    if (deadline !== undefined) handle = setTimeout(check, Math.min(deadline - now(), WAKE_CHECK_INTERVAL));
  };
  const cancel = (): void => {
    deadline = undefined;
    arm();
  };
  // Not yet due (or no deadline): arm again. Due: cancel first, so onDue may schedule anew.
  const check = (): void => (deadline === undefined || now() < deadline ? arm() : (cancel(), onDue()));

  // After these, timers may have been late: tab shown, network back, page restored, window focused.
  const listen = (method: 'addEventListener' | 'removeEventListener'): void => {
    globalThis.document?.[method]('visibilitychange', check);
    for (const type of ['online', 'pageshow', 'focus']) globalThis.window?.[method](type, check);
  };
  listen('addEventListener');

  return {
    schedule(at) {
      deadline = at;
      arm();
    },
    cancel,
    dispose() {
      cancel();
      listen('removeEventListener');
    },
  };
}
