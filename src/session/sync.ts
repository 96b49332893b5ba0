import type { EventOrigin } from '../api.js';
import { TokenVaultError } from '../errors.js';
import type { KeySlots } from '../providers/types.js';
import { nextVersion, shiftTimes, type StoredSession } from '../record.js';
import { identityOf } from '../snapshot.js';
import { createTabs, type SharedSession, type TabNotice } from '../tabs/tabs.js';
import type { TokenSet } from '../tokens.js';
import { indexedDbVault, memoryVault, type Vault } from '../vault.js';
import type { Announcement, SessionCore } from './core.js';
import { holding, loaded, signedOut } from './state.js';

/** A session's life beyond this tab's memory: the sealed record, the other tabs, the named slots. */
export interface SessionSync {
  /** Restores the stored session, or finds none; never rejects (problems are `error` events). */
  restore(): Promise<void>;
  /** Runs `task` under the cross-tab refresh lock. */
  withLock<T>(task: () => Promise<T>): Promise<T>;
  /**
   * Makes sure this tab holds the newest session before it sends a refresh token: adopts a newer
   * one from disk or, when disk cannot tell, from the other tabs. Throws `storage_unavailable`
   * when another tab announced a newer session that cannot be had: an older refresh token may
   * have been rotated out, and sending it would trip the provider's reuse detection.
   */
  catchUp(): Promise<void>;
  /** Seals new tokens (a sign-in or this tab's refresh) at a new version and tells the other tabs. */
  publish(tokens: TokenSet, previous: TokenSet | undefined): Promise<void>;
  /** The version the next `publish` of `tokens` takes; the state holds it before sealing. */
  nextVersion(): number;
  /** Ends the session here, and (unless another tab ended it) on disk and in every tab. */
  end(origin: EventOrigin, revoked: boolean): Promise<void>;
  readonly slots: KeySlots;
  dispose(): void;
}

const noop = (): void => {};

/** Creates the sync of a session; `persist: 'memory'` when `inMemory`. */
export function createSync(core: SessionCore, inMemory: boolean): SessionSync {
  const { ports, now } = core;
  // A per-tab fraction keeps two tabs that write in the same millisecond apart.
  const tabFraction = ports.random();
  // The newest version another tab has announced: this tab must not refresh from anything older.
  let newestKnown = 0;

  const shared = (): SharedSession | undefined => {
    const { tokens, version } = core.state();
    if (!tokens) return undefined;
    const slots = vault === memory ? Object.fromEntries(memory.slots) : undefined;
    return { version, tokens: shiftTimes(tokens, -core.clockOffset()), ...(slots && { slots }) };
  };
  const tabs = createTabs(core.name, ports, (notice) => void onNotice(notice), shared);
  const memory = memoryVault(tabs);
  let vault: Vault = memory;

  async function read(from: Vault): Promise<StoredSession | undefined> {
    try {
      return await from.read();
    } catch (error) {
      // A record that failed to open is gone already. Tokens in memory are still trustworthy
      // (nobody can forge a sealed record), so a running session goes on and seals anew.
      core.reportError(error);
      return undefined;
    }
  }

  /** Takes a stored or shared session if it is newer than what this tab holds. */
  function adopt(stored: StoredSession | undefined): void {
    const state = core.state();
    if (!stored || stored.version <= state.version || core.epoch().aborted) return;
    const before = state.tokens;
    const after = shiftTimes(stored.tokens, core.clockOffset());
    core.newEpoch();
    const next = holding(state, after, stored.version, core.refreshAt(after), false);
    core.timer.schedule(after.refreshToken ? next.refreshAt : after.expiresAt);
    // Another user's tokens are a sign-in, not a refresh.
    if (!before || identityOf(before).claims?.sub !== identityOf(after).claims?.sub) core.commit(next, ['signedIn', { source: 'tab' }]);
    else core.commit(next, ...refreshAnnouncements('tab', before, after));
  }

  async function catchUp(): Promise<void> {
    const stored = await read(vault);
    adopt(stored);
    const { version, tokens } = core.state();
    // Disk is behind what was announced, or has nothing while this tab holds a session (deleted,
    // unreadable, a write that failed): the other tabs may hold the newest session in memory.
    if (tokens && vault !== memory && (newestKnown > version || !stored)) adopt(await tabs.ask());
    if (core.state().tokens && newestKnown > core.state().version) {
      throw new TokenVaultError('storage_unavailable', 'Another tab holds a newer session that could not be read; waiting for it.');
    }
  }

  async function onNotice(notice: TabNotice): Promise<void> {
    if (notice.version <= core.state().version) return;
    if (notice.kind === 'updated') {
      newestKnown = Math.max(newestKnown, notice.version);
      await catchUp().catch(noop);
    } else {
      await end('tab', notice.kind === 'revoked', notice.version);
    }
  }

  async function publish(tokens: TokenSet, previous: TokenSet | undefined): Promise<void> {
    const { version } = core.state();
    try {
      await vault.write({ version, tokens: shiftTimes(tokens, -core.clockOffset()) });
    } catch (error) {
      core.reportError(error);
      // The record on disk still holds the refresh token this one replaced, which the provider
      // may have rotated out: it must never be restored. Deleting works even when the disk is full.
      if (previous?.refreshToken !== tokens.refreshToken) await vault.clear(version).catch(noop);
    }
    // Signed out (here or by another tab) while sealing: take back what was just written,
    // unless a newer sign-in has been stored since.
    if (!core.state().tokens) await vault.clear(version).catch(noop);
    else if (core.state().version === version) tabs.announce({ kind: 'updated', version });
  }

  async function end(origin: EventOrigin, revoked: boolean, version = nextVersion(core.state().version, now(), tabFraction)): Promise<void> {
    const hadTokens = !!core.state().tokens;
    core.newEpoch();
    core.timer.cancel();
    const announcements: Announcement[] = [];
    if (revoked) announcements.push(['revoked', { source: origin }]);
    if (hadTokens || origin === 'local') announcements.push(['signedOut', { source: origin }]);
    core.commit(signedOut(core.state(), version), ...announcements);
    await memory.clear();
    if (origin === 'tab') return;
    await vault.clear().catch((error: unknown) => core.reportError(error));
    tabs.announce({ kind: revoked ? 'revoked' : 'signedOut', version });
    // Another tab may be sealing a refresh under the lock right now: clear again once it is done.
    void tabs.withLock(() => vault.clear(version)).catch(noop);
  }

  const ready = async (): Promise<void> => {
    // Let the caller attach listeners first: what restoring finds is reported as events.
    await Promise.resolve();
    if (!inMemory) {
      if (ports.storage) vault = indexedDbVault(core.name, ports.storage);
      else core.reportError(new TokenVaultError('storage_unavailable', 'IndexedDB or WebCrypto is unavailable.'));
    }
    let stored: StoredSession | undefined;
    try {
      stored = await vault.read();
    } catch (error) {
      core.reportError(error);
      // A record that failed to open is gone; the database still works. Anything else: memory.
      if ((error as TokenVaultError).code !== 'record_tampered') {
        vault = memory;
        stored = await read(memory);
      }
    }
    if (stored && !core.state().tokens) adopt(stored);
    core.commit(loaded(core.state()));
  };
  let restoring: Promise<void> | undefined;

  return {
    restore: () => (restoring ??= ready()),
    withLock: tabs.withLock,
    catchUp,
    publish,
    nextVersion: () => nextVersion(core.state().version, now(), tabFraction),
    end: (origin, revoked) => end(origin, revoked),
    slots: {
      async get(slot) {
        await restoring;
        return vault.readSlot(slot);
      },
      async getOrCreate<T>(slot: string, create: () => Promise<T>): Promise<T> {
        await restoring;
        return tabs.withLock(async () => {
          const found = (await vault.readSlot(slot).catch(noop)) ?? (vault === memory ? undefined : await memory.readSlot(slot));
          if (found !== undefined) return found as T;
          const made = await create();
          await memory.writeSlot(slot, made);
          await vault.writeSlot(slot, made).catch((error: unknown) => core.reportError(error));
          return made;
        });
      },
    },
    dispose: () => tabs.dispose(),
  };
}

/** The events of a refresh: `rotated` when the refresh token changed, then `refreshed`. */
export function refreshAnnouncements(source: 'local' | 'tab', before: TokenSet, after: TokenSet): Announcement[] {
  const refreshedEvent: Announcement = ['refreshed', { source, expiresAt: after.expiresAt }];
  return before.refreshToken !== after.refreshToken ? [['rotated', { source }], refreshedEvent] : [refreshedEvent];
}
