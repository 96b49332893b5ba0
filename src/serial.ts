/** Runs tasks one after another in call order, whatever the outcome of the one before. */
export type Serial = <T>(task: () => Promise<T>) => Promise<T>;

/** Creates an empty queue of tasks. */
export function createSerial(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  // A task runs once the one before settles, either way; its caller handles its outcome.
  return (task) => (tail = tail.then(task, task));
}
