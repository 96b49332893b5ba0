// A small, faithful stand-in for navigator.locks (exclusive mode, FIFO, AbortSignal),
// since happy-dom has none. Real Web Locks are exercised by the e2e suite in Chromium.
interface Waiter {
  grant: () => void;
  signal?: AbortSignal;
}

export interface FakeLocks {
  request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T>;
  /** How many times request() was called. */
  readonly requests: number;
  /** Takes a lock and keeps it until the returned function is called (a hung tab). */
  hold(name: string): Promise<() => void>;
}

export function fakeLocks(): FakeLocks {
  const held = new Set<string>();
  const queues = new Map<string, Waiter[]>();
  let requests = 0;

  const release = (name: string): void => {
    const next = queues.get(name)?.shift();
    if (next === undefined) held.delete(name);
    else next.grant();
  };

  const acquire = (name: string, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new DOMException('The request was aborted.', 'AbortError'));
      if (!held.has(name)) {
        held.add(name);
        return resolve();
      }
      const waiter: Waiter = { grant: resolve, ...(signal === undefined ? {} : { signal }) };
      const queue = queues.get(name) ?? [];
      queues.set(name, queue);
      queue.push(waiter);
      signal?.addEventListener('abort', () => {
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        reject(new DOMException('The request was aborted.', 'AbortError'));
      });
    });

  return {
    async request(name, options, callback) {
      requests++;
      await acquire(name, options.signal);
      try {
        return await callback();
      } finally {
        release(name);
      }
    },
    get requests() {
      return requests;
    },
    async hold(name) {
      await acquire(name);
      return () => release(name);
    },
  };
}
