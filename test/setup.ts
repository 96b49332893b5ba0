// Every unit test gets a fresh, empty IndexedDB and, like every current browser,
// Web Locks (happy-dom has none; tests of the fallback remove them).
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach } from 'vitest';
import { fakeLocks } from './web-locks.js';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  // Files that run in Node (`@vitest-environment node`) have no navigator.
  if (typeof navigator !== 'undefined') Object.defineProperty(navigator, 'locks', { value: fakeLocks(), configurable: true });
});
