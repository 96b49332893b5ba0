/** A small typed emitter. A throwing listener is reported and never stops the others. */
export interface Emitter<Events extends object> {
  on<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): () => void;
  emit<K extends keyof Events>(type: K, event: Events[K]): void;
  clear(): void;
}

/** Creates an emitter; `onListenerError` hears what listeners throw. */
export function createEmitter<Events extends object>(onListenerError: (error: unknown) => void): Emitter<Events> {
  type Listener = (event: Events[keyof Events]) => void;
  const listeners = new Map<keyof Events, Set<Listener>>();
  return {
    on(type, listener) {
      let set = listeners.get(type);
      if (set === undefined) listeners.set(type, (set = new Set()));
      // Wrap so the same function subscribed twice gets two independent subscriptions.
      const entry: Listener = (event) => listener(event as Events[typeof type]);
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    emit(type, event) {
      const set = listeners.get(type);
      if (set === undefined) return;
      for (const listener of [...set]) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    clear() {
      listeners.clear();
    },
  };
}

/** Reports what a listener threw without stopping the caller: the page's error handlers see it. */
export function reportListenerError(error: unknown): void {
  if (typeof reportError === 'function') reportError(error);
  else setTimeout(() => { throw error; });
}

/** Plain change subscribers, as `useSyncExternalStore` expects them. */
export interface Subscribers {
  /** Adds a listener; returns its unsubscribe function. */
  add(listener: () => void): () => void;
  notify(): void;
  clear(): void;
}

/** Creates a subscriber list; a throwing subscriber is reported and never stops the others. */
export function createSubscribers(): Subscribers {
  const listeners = new Set<() => void>();
  return {
    add(listener) {
      // Wrap so the same function subscribed twice gets two independent subscriptions.
      const entry = (): void => listener();
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    notify() {
      for (const listener of [...listeners]) {
        try {
          listener();
        } catch (error) {
          reportListenerError(error);
        }
      }
    },
    clear: () => listeners.clear(),
  };
}
