import type { DpopKeyPair } from './proof.js';

// The key of a sign-in under way is made at beginSignIn() and must be the one completeSignIn()
// uses after the redirect, in a fresh page, also with `persist: 'memory'` (whose slots die with the
// page). So it waits here, as a structured-cloned CryptoKeyPair (never bytes), under the sign-in's
// `state`, until completeSignIn() takes it; abandoned ones go when the next sign-in begins.

/** As long as a pending sign-in lives (src/providers/pending-sign-in.ts). */
const PENDING_MAX_AGE_MS = 15 * 60_000;

interface PendingKey {
  keys: DpopKeyPair;
  createdAt: number;
}

const STORE = 'dpop';

/** Resolves with what `request` gives. */
const settled = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

/**
 * Runs `use` on the store of pending keys in one read-write transaction, resolving once committed.
 * Plain IndexedDB rather than idb-keyval: an app's bundler would move the shared library out of this
 * chunk into the core's share.
 */
async function withStore<T>(use: (store: IDBObjectStore) => Promise<T>): Promise<T> {
  const opening = indexedDB.open('tokenvault-signin');
  opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
  const db = await settled(opening);
  try {
    const transaction = db.transaction(STORE, 'readwrite');
    const done = new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
    const result = await use(transaction.objectStore(STORE));
    await done;
    return result;
  } finally {
    db.close();
  }
}

/** Keeps `keys` for the sign-in with `state`, and forgets the keys of sign-ins abandoned long ago. */
export const keepPendingKey = (state: string, keys: DpopKeyPair): Promise<void> =>
  withStore(async (store) => {
    const now = Date.now();
    const cursors = store.openCursor();
    // A cursor over the few pending sign-ins: each step deletes an old one and moves on.
    await new Promise<void>((resolve, reject) => {
      cursors.onerror = () => reject(cursors.error);
      cursors.onsuccess = () => {
        const cursor = cursors.result;
        if (!cursor) return resolve();
        if (!(now - (cursor.value as PendingKey | undefined)?.createdAt! <= PENDING_MAX_AGE_MS)) cursor.delete();
        cursor.continue();
      };
    });
    store.put({ keys, createdAt: now } satisfies PendingKey, state);
  });

/** Takes the keys of the sign-in with `state` (once); undefined when there are none or they expired. */
export const takePendingKey = (state: string): Promise<DpopKeyPair | undefined> =>
  withStore(async (store) => {
    const pending = (await settled(store.get(state))) as PendingKey | undefined;
    store.delete(state);
    return pending && Date.now() - pending.createdAt <= PENDING_MAX_AGE_MS ? pending.keys : undefined;
  });
