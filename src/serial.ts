/** Runs tasks one after another in call order, whatever the outcome of the one before. */
export type Serial = <T>(task: () => Promise<T>) => Promise<T>;

/** Creates an empty queue of tasks. */
export function createSerial(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
