/** A set of listeners; a throwing listener is reported and never stops the others. */
export interface Listeners<Event> {
  /** Adds a listener; returns its unsubscribe function. */
  add(listener: (event: Event) => void): () => void;
  notify(event: Event): void;
  clear(): void;
}

/** Reports what a listener threw without stopping the caller: the page's error handlers see it. */
export function reportListenerError(error: unknown): void {
  if (typeof reportError === 'function') reportError(error);
  else setTimeout(() => { throw error; });
}

/** Creates a listener set; what listeners throw goes to `reportListenerError`. */
export function createListeners<Event = void>(): Listeners<Event> {
  const listeners = new Set<(event: Event) => void>();
  return {
    add(listener) {
      // Wrap so the same function subscribed twice gets two independent subscriptions.
      const entry = (event: Event): void => listener(event);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    notify(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          reportListenerError(error);
        }
      }
    },
    clear: () => listeners.clear(),
  };
}

/** A small typed emitter: one listener set per event type. */
export interface Emitter<Events extends object> {
  on<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): () => void;
  emit<K extends keyof Events>(type: K, event: Events[K]): void;
  clear(): void;
}

/** Creates an emitter; a throwing listener is reported and never stops the others. */
export function createEmitter<Events extends object>(): Emitter<Events> {
  type Event = Events[keyof Events];
  const byType = new Map<keyof Events, Listeners<Event>>();
  return {
    on(type, listener) {
      let listeners = byType.get(type);
      if (listeners === undefined) byType.set(type, (listeners = createListeners()));
      return listeners.add(listener as (event: Event) => void);
    },
    emit(type, event) {
      byType.get(type)?.notify(event);
    },
    clear() {
      byType.clear();
    },
  };
}
