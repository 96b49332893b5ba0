/** A wall clock that falls behind the monotonic one by more than this was set back. */
const SET_BACK_TOLERANCE = 1_000;

/**
 * The device's wall clock (`wall`), kept from running backwards while the page
 * is open: when the clock is set back (by the user, or a large NTP correction),
 * time goes on from where it was at the rate of the monotonic clock, so a
 * token still falls due when it really expires. Forward jumps (sleep, a clock
 * set ahead) pass through, so deadlines missed meanwhile fall due at once.
 * Whole milliseconds, equal to `wall()` unless the clock was set back.
 */
export function steadyClock(wall: () => number): () => number {
  // Without `performance`, the wall clock stands in for the monotonic one: then this is wall().
  const monotonic = typeof performance === 'undefined' ? { now: wall } : performance;
  let last = wall();
  let lastTicks = monotonic.now();
  return () => {
    const now = wall();
    const ticks = monotonic.now();
    const steady = last + ticks - lastTicks;
    lastTicks = ticks;
    return Math.floor((last = now < steady - SET_BACK_TOLERANCE ? steady : now));
  };
}
