// tokenvault/vue: the session in Vue 3.3+. The session is created outside Vue; this entry adds
// a plugin, composables, and a vue-router guard, and imports the core as `tokenvault`.
import { inject, onScopeDispose, shallowRef, type App, type InjectionKey, type ShallowRef } from 'vue';
import { TokenVaultError, type Session, type SessionSnapshot } from '../index.js';
import { finishSignIn, redirectToSignIn, type ReturnTo, type SignInCallbackState, type SignInConfig } from '../framework/redirect.js';

export type { ReturnTo, SignInCallbackState, SignInConfig, SignInSetup } from '../framework/redirect.js';

/** Options of the `tokenVault` plugin. */
export interface TokenVaultPluginOptions {
  /** How `useSignIn()` and the callback reach the provider. */
  signIn?: SignInConfig;
}

interface Provided {
  session: Session;
  config: SignInConfig | undefined;
}

const KEY: InjectionKey<Provided> = Symbol('tokenvault');

/** The plugin: `app.use(tokenVault(session, { signIn }))` makes the session available to the composables. */
export function tokenVault(session: Session, options: TokenVaultPluginOptions = {}): { install(app: App): void } {
  return { install: (app) => void app.provide(KEY, { session, config: options.signIn }) };
}

function provided(): Provided {
  const value = inject(KEY, undefined);
  if (!value) throw new TokenVaultError('invalid_config', 'tokenvault/vue: install the plugin first: app.use(tokenVault(session)).');
  return value;
}

/**
 * The live snapshot as a `shallowRef`: it follows the session and lets go of
 * its subscription with the component's scope. `TClaims` types the app's own
 * claims (not checked at run time).
 */
export function useSession<TClaims extends object = object>(): Readonly<ShallowRef<SessionSnapshot<TClaims>>> {
  const { session } = provided() as { session: Session<TClaims> };
  // A server render keeps no subscription (no scope is disposed there) and shows `loading`, as hydration will.
  if (typeof window === 'undefined') return shallowRef(session.getServerSnapshot());
  const snapshot = shallowRef(session.getSnapshot());
  onScopeDispose(session.subscribe(() => (snapshot.value = session.getSnapshot())));
  return snapshot;
}

/** A function that sends the user to sign in with `appState` (JSON); it rejects with a `TokenVaultError` if it cannot. */
export function useSignIn(): (appState?: unknown) => Promise<void> {
  const { config } = provided();
  return (appState) => redirectToSignIn(config, appState);
}

/** The plugin's `session.fetch`: `fetch` with the access token on the session's allowed origins (see the README). */
export function useFetch(): Session['fetch'] {
  return provided().session.fetch;
}

/** For the callback route: completes the sign-in once, takes the code out of the URL, and reports how it went. */
export function useSignInCallback<TAppState = ReturnTo>(): Readonly<ShallowRef<SignInCallbackState<TAppState>>> {
  const { session, config } = provided();
  const state = shallowRef<SignInCallbackState<TAppState>>({ status: 'pending' });
  if (typeof window !== 'undefined') {
    finishSignIn(session, config).then(
      (appState) => (state.value = { status: 'done', appState: appState as TAppState | undefined }),
      (error: TokenVaultError) => (state.value = { status: 'error', error }),
    );
  }
  return state;
}

/** The part of a vue-router route the guard reads (vue-router 4 and 5 pass a `RouteLocationNormalized`). */
export interface GuardedRoute {
  fullPath: string;
  meta: Record<PropertyKey, unknown>;
}

/**
 * A vue-router guard, `router.beforeEach(signInGuard(session, signIn))`: a route
 * that `isProtected` (default: `meta.requiresSignIn`) waits for the session and,
 * signed out, starts sign-in that comes back to it. Fails the navigation with a
 * `TokenVaultError` when sign-in cannot start.
 */
export function signInGuard(
  session: Session,
  config: SignInConfig,
  isProtected: (to: GuardedRoute) => boolean = (to) => !!to.meta['requiresSignIn'],
): (to: GuardedRoute) => Promise<boolean> {
  return async (to) => {
    if (!isProtected(to)) return true;
    await session.ready;
    if (session.getSnapshot().tokens) return true;
    await redirectToSignIn(config, { returnTo: to.fullPath } satisfies ReturnTo);
    return false;
  };
}
