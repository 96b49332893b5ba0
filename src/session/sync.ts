import type { EventOrigin } from '../api.js';
import { TokenVaultError } from '../errors.js';
import type { KeySlots } from '../providers/types.js';
import { nextVersion, shiftTimes, type StoredSession } from '../record.js';
import { identityOf } from '../snapshot.js';
import { createTabs, type SharedSession, type TabNotice, type Tabs } from '../tabs/tabs.js';
import type { TokenSet } from '../tokens.js';
import { indexedDbVault, memoryVault, type MemoryVault, type Vault } from '../vault.js';
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
  /** Seals the tokens the state holds (a sign-in or this tab's refresh) and tells the other tabs. */
  publish(tokens: TokenSet, previous: TokenSet | undefined): Promise<void>;
  /** The version the next new tokens take; the state holds it before they are sealed. */
  nextVersion(): number;
  /** Ends the session here, on disk and in every tab. */
  end(origin: 'local' | 'provider', revoked: boolean): Promise<void>;
  readonly slots: KeySlots;
  dispose(): void;
}

/** What the functions below share for one session. */
interface Sync {
  readonly core: SessionCore;
  readonly tabs: Tabs;
  /** This tab's memory: the vault of `persist: 'memory'`, and the fallback when storage fails. */
  readonly memory: MemoryVault;
  vault: Vault;
  /** The newest version another tab has announced: this tab must not refresh from anything older. */
  newestKnown: number;
  /** Keeps two tabs that write in the same millisecond apart. */
  readonly tabFraction: number;
}

const noop = (): void => {};

/** Creates the sync of a session; `persist: 'memory'` when `inMemory`. */
export function createSync(core: SessionCore, inMemory: boolean): SessionSync {
  const tabs = createTabs(
    core.name,
    core.ports,
    (notice) => void onNotice(sync, notice),
    () => shared(sync),
  );
  const memory = memoryVault(tabs);
  const sync: Sync = { core, tabs, memory, vault: memory, newestKnown: 0, tabFraction: core.ports.random() };
  let restoring: Promise<void> | undefined;
  return {
    restore: () => (restoring ??= restore(sync, inMemory)),
    withLock: tabs.withLock,
    catchUp: () => catchUp(sync, true),
    publish: (tokens, previous) => publish(sync, tokens, previous),
    nextVersion: () => nextVersion(core.state().version, core.now(), sync.tabFraction),
    end: (origin, revoked) => end(sync, origin, revoked),
    slots: keySlots(sync, () => restoring),
    dispose: () => tabs.dispose(),
  };
}

/** What this tab hands another that asks: its session, with times on the wall clock. */
function shared({ core, vault, memory }: Sync): SharedSession | undefined {
  const { tokens, version } = core.state();
  if (!tokens) return undefined;
  const slots = vault === memory ? Object.fromEntries(memory.slots) : undefined;
  return { version, tokens: shiftTimes(tokens, -core.clockOffset()), ...(slots && { slots }) };
}

/** Reads `from`; a failure is reported and reads as nothing. */
async function read(core: SessionCore, from: Vault): Promise<StoredSession | undefined> {
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
function adopt({ core }: Sync, stored: StoredSession | undefined): void {
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

async function catchUp(sync: Sync, locked: boolean): Promise<void> {
  const { core, tabs, memory } = sync;
  const stored = await read(core, sync.vault);
  adopt(sync, stored);
  const { version, tokens } = core.state();
  // Disk is behind what was announced (also to a tab that starts signed out), or has nothing while
  // this tab holds a session (deleted, unreadable, a write that failed): the other tabs may hold
  // the newest session in memory.
  if (sync.vault !== memory && (sync.newestKnown > version || (tokens && !stored))) {
    adopt(sync, await tabs.ask());
    // The record is older than what they hold (the tab that refreshed could not write, for example
    // because its IndexedDB hangs): seal the newest over it, so that a reload never restores it.
    if (core.state().tokens && core.state().version > (stored?.version ?? 0)) {
      const repair = (): Promise<void> => repairRecord(sync);
      await (locked ? repair() : tabs.withLock(repair)).catch(noop);
    }
  }
  if (core.state().tokens && sync.newestKnown > core.state().version) {
    throw new TokenVaultError('storage_unavailable', 'Another tab holds a newer session that could not be read; waiting for it.');
  }
}

/** Under the lock: seals this tab's session over an older record, or deletes that record if sealing fails. */
async function repairRecord({ core, vault }: Sync): Promise<void> {
  const stored = await vault.read().catch(noop);
  const { tokens, version } = core.state();
  if (!tokens || (stored && stored.version >= version)) return;
  await vault.write({ version, tokens: shiftTimes(tokens, -core.clockOffset()) }).catch(() => vault.clear(version));
}

async function onNotice(sync: Sync, notice: TabNotice): Promise<void> {
  if (notice.version <= sync.core.state().version) return;
  if (notice.kind === 'updated') {
    sync.newestKnown = Math.max(sync.newestKnown, notice.version);
    await catchUp(sync, false).catch(noop);
  } else {
    await end(sync, 'tab', notice.kind === 'revoked', notice.version);
  }
}

async function publish({ core, tabs, vault }: Sync, tokens: TokenSet, previous: TokenSet | undefined): Promise<void> {
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

/** Ends the session here; unless another tab ended it (`origin` 'tab'), also on disk and in every tab. */
async function end(sync: Sync, origin: EventOrigin, revoked: boolean, version?: number): Promise<void> {
  const { core, tabs, memory, vault } = sync;
  const ended = version ?? nextVersion(core.state().version, core.now(), sync.tabFraction);
  const hadTokens = !!core.state().tokens;
  core.newEpoch();
  core.timer.cancel();
  const announcements: Announcement[] = [];
  if (revoked) announcements.push(['revoked', { source: origin }]);
  if (hadTokens || origin === 'local') announcements.push(['signedOut', { source: origin }]);
  core.commit(signedOut(core.state(), ended), ...announcements);
  await memory.clear();
  if (origin === 'tab') return;
  await vault.clear().catch((error: unknown) => core.reportError(error));
  tabs.announce({ kind: revoked ? 'revoked' : 'signedOut', version: ended });
  // Another tab may be sealing a refresh under the lock right now: clear again once it is done.
  void tabs.withLock(() => vault.clear(ended)).catch(noop);
}

async function restore(sync: Sync, inMemory: boolean): Promise<void> {
  const { core, memory } = sync;
  // Let the caller attach listeners first: what restoring finds is reported as events.
  await Promise.resolve();
  if (!inMemory) {
    if (core.ports.storage) sync.vault = indexedDbVault(core.name, core.ports.storage);
    else core.reportError(new TokenVaultError('storage_unavailable', 'IndexedDB or WebCrypto is unavailable.'));
  }
  let stored: StoredSession | undefined;
  try {
    stored = await sync.vault.read();
  } catch (error) {
    core.reportError(error);
    // A record that failed to open is gone; the database still works. Anything else: memory.
    if ((error as TokenVaultError).code !== 'record_tampered') {
      sync.vault = memory;
      stored = await read(core, memory);
    }
  }
  if (stored && !core.state().tokens) adopt(sync, stored);
  core.commit(loaded(core.state()));
  // Nothing on disk: a write that failed in another tab may have left the newest session in the
  // open tabs' memory only. Asked without holding up `ready`; an answer comes as a sign-in.
  if (!stored && sync.vault !== memory) void sync.tabs.ask().then((shared) => adopt(sync, shared));
}

/** The slots a provider keeps with the session; they wait for the restore. */
function keySlots(sync: Sync, restoring: () => Promise<void> | undefined): KeySlots {
  const { core, tabs, memory } = sync;
  /** Into this tab's memory (shared with tabs that ask, in `persist: 'memory'`) and the vault. */
  const keep = async (slot: string, value: unknown): Promise<void> => {
    await memory.writeSlot(slot, value);
    if (sync.vault !== memory) await sync.vault.writeSlot(slot, value).catch((error: unknown) => core.reportError(error));
  };
  return {
    async get(slot) {
      await restoring();
      return sync.vault.readSlot(slot);
    },
    async getOrCreate<T>(slot: string, create: () => Promise<T>): Promise<T> {
      await restoring();
      return tabs.withLock(async () => {
        const { vault } = sync;
        const found = (await vault.readSlot(slot).catch(noop)) ?? (vault === memory ? undefined : await memory.readSlot(slot));
        if (found !== undefined) return found as T;
        const made = await create();
        await keep(slot, made);
        return made;
      });
    },
    async set(slot, value) {
      await restoring();
      await tabs.withLock(() => keep(slot, value));
    },
  };
}

/** The events of a refresh: `rotated` when the refresh token changed, then `refreshed`. */
export function refreshAnnouncements(source: 'local' | 'tab', before: TokenSet, after: TokenSet): Announcement[] {
  const refreshedEvent: Announcement = ['refreshed', { source, expiresAt: after.expiresAt }];
  return before.refreshToken !== after.refreshToken ? [['rotated', { source }], refreshedEvent] : [refreshedEvent];
}
