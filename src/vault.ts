import { TokenVaultError } from './errors.js';
import type { RecordStore } from './store.js';

/** Bumped when the sealed layout changes; part of the AAD, so old records fail to open rather than misread. */
export const FORMAT_VERSION = 1;

/** What is stored at rest: only the IV and the ciphertext are secret-free. */
export interface SealedRecord {
  v: number;
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

/** Seals and opens one session's record under one non-extractable key. */
export interface Vault {
  /** The opened record, or undefined when there is none. Throws `record_tampered` or `storage_unavailable`. */
  open<T>(): Promise<T | undefined>;
  /** Seals `value` (JSON) with a fresh IV and stores it. Throws `storage_unavailable`. */
  seal(value: unknown): Promise<void>;
  /** Deletes record and key. */
  clear(): Promise<void>;
}

const IV_BYTES = 12;

// One message for every way a record can fail to open: no oracle on which check failed.
export const recordTampered = (cause?: unknown): TokenVaultError =>
  new TokenVaultError('record_tampered', 'The stored session could not be opened and was discarded.', { cause });

function isSealedRecord(value: unknown): value is SealedRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<SealedRecord>;
  return (
    r.v === FORMAT_VERSION &&
    r.iv instanceof Uint8Array &&
    r.iv.byteLength === IV_BYTES &&
    (r.data instanceof ArrayBuffer || ArrayBuffer.isView(r.data))
  );
}

function isAesKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey && value.algorithm.name === 'AES-GCM';
}

/**
 * Creates the vault for session `name`; `origin` goes into the AAD so a record copied to another origin fails.
 * Throws `storage_unavailable` without WebCrypto (no secure context).
 */
export function createVault(store: RecordStore, name: string, origin: string): Vault {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) throw new TokenVaultError('storage_unavailable', 'WebCrypto is not available (not a secure context?).');
  const recordKey = `record:${name}`;
  const keyKey = `key:${name}`;
  const aad = new TextEncoder().encode(`tokenvault|v${FORMAT_VERSION}|${origin}|${name}`);

  const storageError = (action: string, cause: unknown): TokenVaultError =>
    cause instanceof TokenVaultError
      ? cause
      : new TokenVaultError('storage_unavailable', `IndexedDB failed to ${action}.`, { cause });

  async function discard(): Promise<void> {
    try {
      await store.del([recordKey]);
    } catch {
      // The record is already unusable; failing to delete it changes nothing for the user.
    }
  }

  return {
    async open<T>() {
      let record: unknown;
      let key: unknown;
      try {
        [record, key] = await store.get([recordKey, keyKey]);
      } catch (cause) {
        throw storageError('read the stored session', cause);
      }
      if (record === undefined) return undefined;
      if (!isAesKey(key) || !isSealedRecord(record)) {
        await discard();
        throw recordTampered();
      }
      try {
        const plain = await subtle.decrypt({ name: 'AES-GCM', iv: record.iv, additionalData: aad }, key, record.data);
        return JSON.parse(new TextDecoder().decode(plain)) as T;
      } catch (cause) {
        if (cause instanceof TokenVaultError) throw cause;
        await discard();
        throw recordTampered(cause);
      }
    },

    async seal(value) {
      try {
        const [stored] = await store.get([keyKey]);
        // extractable: false — the raw key never leaves WebCrypto, not even to this script.
        const key = isAesKey(stored)
          ? stored
          : await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
        const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
        const plain = new TextEncoder().encode(JSON.stringify(value)) as Uint8Array<ArrayBuffer>;
        const data = await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, plain);
        const record: SealedRecord = { v: FORMAT_VERSION, iv, data };
        // Record and key go in together: a sign-out in another tab meanwhile cannot leave a
        // record behind whose key it deleted.
        await store.set([
          [recordKey, record],
          [keyKey, key],
        ]);
      } catch (cause) {
        throw storageError('save the session', cause);
      }
    },

    async clear() {
      try {
        await store.del([recordKey, keyKey]);
      } catch (cause) {
        throw storageError('delete the stored session', cause);
      }
    },
  };
}
