// Storage faults a test switches on and off inside the fixture page at run time: a full disk
// (`put` throws QuotaExceededError, as Chromium's does) and an `indexedDB.open` that never
// answers. Installed before the page's scripts run; the SDK runs unmodified.
import type { BrowserContext, Page } from 'playwright-core';
import type { TabsWindow } from './tabs-page.js';

/** The switches in the page (`window.__storage`). */
export interface StorageFaults {
  quota: boolean;
  /** Set through `hang()`, which also drops the open connections so that the next use reopens. */
  readonly hung: boolean;
  /** `put` calls refused so far, and opens left hanging. */
  readonly refused: number;
  readonly hanging: number;
}

/** The fixture page's window with the storage switches. */
export type StorageWindow = TabsWindow & {
  __storage: StorageFaults & { hang(on: boolean): void };
};
declare const window: StorageWindow;

/** What the switches start as in every page load (a reload starts from these again). */
export interface InitialFaults {
  quota?: boolean;
  hung?: boolean;
}

/** Installs the switches in every page of `target` (a context or one page), before any script runs. */
export async function storageFaults(target: BrowserContext | Page, initial: InitialFaults = {}): Promise<void> {
  await target.addInitScript((initial: InitialFaults) => {
    const put = IDBObjectStore.prototype.put;
    const open = IDBFactory.prototype.open;
    const connections = new Set<IDBDatabase>();
    let refused = 0;
    let hanging = 0;
    const faults = {
      quota: initial.quota === true,
      hung: initial.hung === true,
      get refused() {
        return refused;
      },
      get hanging() {
        return hanging;
      },
      hang(on: boolean) {
        faults.hung = on;
        if (!on) return;
        // Like a connection closed by the browser: `close` fires and the next use must reopen.
        for (const db of connections) {
          db.close();
          db.onclose?.call(db, new Event('close'));
        }
        connections.clear();
      },
    };
    Object.defineProperty(window, '__storage', { value: faults });
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (!faults.quota) return put.apply(this, args);
      refused++;
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    IDBFactory.prototype.open = function (this: IDBFactory, ...args: Parameters<IDBFactory['open']>) {
      if (faults.hung) {
        hanging++;
        // A request whose handlers are never called: what a blocked or broken open looks like.
        return {} as IDBOpenDBRequest;
      }
      const request = open.apply(this, args);
      request.addEventListener('success', () => {
        const db = request.result;
        connections.add(db);
        db.addEventListener('close', () => connections.delete(db));
      });
      return request;
    };
  }, initial);
}

/** Deletes tokenvault's database from `page` (what "clear site data" or devtools do) and waits until it is gone. */
export function deleteDatabase(page: Page): Promise<void> {
  return page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase('tokenvault');
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
      }),
  );
}
