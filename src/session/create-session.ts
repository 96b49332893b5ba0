import type { Session, SessionOptions } from '../api.js';
import { TokenVaultError, toTokenVaultError } from '../errors.js';
import type { FetchContext } from '../fetch/authorized-fetch.js';
import { allowedOrigins } from '../fetch/origins.js';
import { browserPorts } from '../ports.js';
import { parseTokenResponse } from '../tokens.js';
import { createCore, type SessionCore } from './core.js';
import { createRefresher } from './refresher.js';
import { holding } from './state.js';
import { createSync } from './sync.js';

/** What `getServerSnapshot()` returns: stable, and the same on server and client until hydration. */
const SERVER_SNAPSHOT = Object.freeze({ status: 'loading' as const });

/** Creates a token session; see the README for the lifecycle. */
export function createSession<TClaims extends object = object>(options: SessionOptions): Session<TClaims>;
export function createSession(options: SessionOptions): Session {
  const provider = options?.provider;
  if (typeof provider?.refresh !== 'function') {
    throw new TokenVaultError('invalid_config', 'createSession(): provider.refresh() is missing.');
  }
  const refreshBefore = (options.refreshBefore ?? 60) * 1000;
  if (!(refreshBefore >= 0)) throw new TokenVaultError('invalid_config', 'createSession(): refreshBefore must be ≥ 0.');
  // Checked before anything starts, like the other options.
  const origins = allowedOrigins(options.origins, globalThis.location?.origin);
  const ports = { ...browserPorts(), ...(options.now && { now: options.now }), ...options.ports };

  const core = createCore(options.name ?? 'default', provider, ports, refreshBefore, () => void refresher.background());
  const sync = createSync(core, options.persist === 'memory');
  const refresher = createRefresher(core, sync);
  const stopOnline = ports.network?.onOnline(refresher.online);
  let disposed = false;
  const ready = sync.restore();
  provider.attach?.({ name: core.name, slots: sync.slots });

  /** Waits for the restore; refuses once disposed. */
  async function usable(): Promise<void> {
    if (disposed) throw new TokenVaultError('aborted', 'Session disposed.');
    await ready;
  }
  const revokeAtProvider = async (refreshToken: string | undefined): Promise<void> => {
    try {
      if (refreshToken) await provider.revoke?.(refreshToken);
    } catch (error) {
      throw core.redact(toTokenVaultError(error, 'provider_error', 'Revocation failed.'));
    }
  };

  const session: Session = {
    ready,
    async setTokens(response) {
      await usable();
      const tokens = parseTokenResponse(response, core.now());
      core.newEpoch();
      const previous = core.state().tokens;
      const next = holding(core.state(), tokens, sync.nextVersion(), core.refreshAt(tokens), false);
      core.timer.schedule(tokens.refreshToken ? next.refreshAt : tokens.expiresAt);
      // Memory first: a sign-out from another tab that lands while this is being sealed ends it cleanly.
      core.commit(next, ['signedIn', { source: 'local' }]);
      await sync.publish(tokens, previous);
    },
    async getAccessToken() {
      await usable();
      return refresher.accessToken();
    },
    getSnapshot: core.snapshot,
    getServerSnapshot: () => SERVER_SNAPSHOT,
    subscribe: (listener) => core.events.on('change', listener),
    on: (type, listener) => core.events.on(type, listener),
    async refresh(refreshOptions) {
      await usable();
      await refresher.refresh(refreshOptions?.unless === undefined ? 'now' : { unless: refreshOptions.unless });
    },
    async revoke() {
      await usable();
      await revokeAtProvider(core.state().tokens?.refreshToken);
      await sync.end('local', true);
    },
    async signOut(signOutOptions) {
      await usable();
      const refreshToken = core.state().tokens?.refreshToken;
      await sync.end('local', false);
      if (signOutOptions?.revoke) {
        await revokeAtProvider(refreshToken).catch((error: unknown) =>
          core.reportError(toTokenVaultError(error, 'provider_error', 'Revocation at sign-out failed.')),
        );
      }
    },
    // A chunk of its own, loaded at the first call: an app that never calls it does not download it.
    fetch: async (input, init) => (await import('../fetch/authorized-fetch.js')).authorizedFetch(fetching, input, init),
    dispose() {
      if (disposed) return;
      disposed = true;
      core.close();
      sync.dispose();
      stopOnline?.();
    },
  };
  const fetching = fetchContext(session, core, origins);
  return session;
}

/** What `session.fetch` needs from its session: the allowed origins, the fetch port, tokens and refresh. */
function fetchContext(session: Session, core: SessionCore, origins: ReadonlySet<string>): FetchContext {
  return {
    origins,
    send: (...request) => (core.ports.fetch ?? globalThis.fetch)(...request),
    async token() {
      const accessToken = await session.getAccessToken();
      return { accessToken, tokenType: core.state().tokens?.tokenType ?? 'Bearer' };
    },
    refresh: (unless) => session.refresh({ unless }),
    dpop: core.provider.dpop,
  };
}
