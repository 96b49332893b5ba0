/** A small typed emitter; a throwing listener is reported and never stops the others. */
export interface Emitter<Events extends object> {
  /** Adds a listener; returns its unsubscribe function. */
  on<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): () => void;
  emit<K extends keyof Events>(type: K, event: Events[K]): void;
  clear(): void;
}

/** Creates an emitter: one set of subscriptions, each a [type, listener] pair. */
export function createEmitter<Events extends object>(): Emitter<Events> {
  // A new pair per on(), so the same function subscribed twice gets two independent subscriptions.
  const subscriptions = new Set<[keyof Events, (event: never) => void]>();
  return {
    on(type, listener) {
      const entry: [keyof Events, (event: never) => void] = [type, listener];
      subscriptions.add(entry);
      return () => void subscriptions.delete(entry);
    },
    emit(type, event) {
      // A copy: listeners added or removed meanwhile do not change this round.
      for (const [t, listener] of [...subscriptions]) {
        if (t === type) {
          try {
            listener(event as never);
          } catch (error) {
            // The page's error handlers see what a listener threw; the caller goes on.
            if (typeof reportError === 'function') reportError(error);
            else setTimeout(() => { throw error; });
          }
        }
      }
    },
    clear: () => subscriptions.clear(),
  };
}
