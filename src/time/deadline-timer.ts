/**
 * The longest we sleep before looking at the wall clock again. Timers stop
 * while a laptop sleeps and are throttled in background tabs; a deadline
 * re-checked every minute is missed by at most a minute after waking.
 */
export const WAKE_CHECK_INTERVAL = 60_000;

/** Tells when the page may have been asleep (tab shown, network back, page restored, window focused); returns the unsubscribe. */
export type WakeSignals = (listener: () => void) => () => void;

/** Calls `onDue` once the clock passes a deadline, surviving sleep, throttling and clock jumps. */
export interface DeadlineTimer {
  /** Sets (or replaces) the deadline, in ms on the clock. */
  schedule(at: number): void;
  cancel(): void;
  dispose(): void;
}

/**
 * Creates a deadline timer on `now`; while it exists, it looks at the clock again on every wake
 * signal. Without `wake` (outside a browser) it keeps no timer and no listener at all: nothing
 * that would keep a server process alive.
 */
export function createDeadlineTimer(now: () => number, onDue: () => void, wake: WakeSignals | undefined): DeadlineTimer {
  let deadline: number | undefined;
  let handle: ReturnType<typeof setTimeout> | undefined;

  const arm = (): void => {
    clearTimeout(handle);
    // At most a minute, so within what a timer honours; a past deadline (negative delay) runs at once.
    if (deadline !== undefined && wake) handle = setTimeout(lookAtClock, Math.max(0, Math.min(deadline - now(), WAKE_CHECK_INTERVAL)));
  };
  const cancel = (): void => {
    deadline = undefined;
    arm();
  };
  // Not yet due (or no deadline): arm again. Due: cancel first, so onDue may schedule anew.
  function lookAtClock(): void {
    if (deadline === undefined || now() < deadline) return arm();
    cancel();
    onDue();
  }
  const stopListening = wake?.(lookAtClock);

  return {
    schedule(at) {
      deadline = at;
      arm();
    },
    cancel,
    dispose() {
      cancel();
      stopListening?.();
    },
  };
}
