/** A small typed emitter; a throwing listener is reported and never stops the others. */
export interface Emitter<Events extends object> {
  /** Adds a listener; returns its unsubscribe function. */
  on<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): () => void;
  emit<K extends keyof Events>(type: K, event: Events[K]): void;
  clear(): void;
}

/** Creates an emitter: one listener set per event type. */
export function createEmitter<Events extends object>(): Emitter<Events> {
  const byType = new Map<keyof Events, Set<(event: never) => void>>();
  return {
    on(type, listener) {
      // Wrap so the same function subscribed twice gets two independent subscriptions.
      const entry = (event: Events[typeof type]): void => listener(event);
      let listeners = byType.get(type);
      if (listeners === undefined) byType.set(type, (listeners = new Set()));
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    emit(type, event) {
      for (const listener of [...(byType.get(type) ?? [])]) {
        try {
          listener(event as never);
        } catch (error) {
          // The page's error handlers see what a listener threw; the caller goes on.
          if (typeof reportError === 'function') reportError(error);
          else setTimeout(() => { throw error; });
        }
      }
    },
    clear: () => byType.clear(),
  };
}
