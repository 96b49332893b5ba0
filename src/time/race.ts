/** Browsers run a timeout longer than 2^31−1 ms at once; never ask for more. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** Settles as `operation` does, or as `fallback()` does if `ms` pass first. */
export function orAfter<T>(operation: Promise<T>, ms: number, fallback: () => T | Promise<T>): Promise<T> {
  let timeout: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    operation,
    // Rounded up, so never early; Infinity waits as long as a timer can; NaN and negative delays
    // run at once (clamped to 0, as browsers do; Node would wait 1 ms). Called in then(), a fallback
    // that throws rejects.
    new Promise((resolve) => (timeout = setTimeout(resolve, Math.min(Math.ceil(ms), MAX_TIMER_DELAY) || 0))).then(fallback),
  ]).finally(() => clearTimeout(timeout));
}

/** Whether `operation` settles within `ms` (true), or the time runs out first (false). Rejections pass through. */
export function settlesWithin(operation: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = operation.then(() => true);
  return ms <= 0 ? settled : orAfter(settled, ms, () => false);
}
