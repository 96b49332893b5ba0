import { App, ShallowRef } from 'vue';
import { TokenVaultError, SignInOptions, OAuth2Provider, Session, SessionSnapshot } from 'tokenvault';

/** What a wrapper needs to start a sign-in: `beginSignIn()`'s options and the `oauth2()` provider that signs in. */
interface SignInSetup extends SignInOptions {
    /** The provider whose client signs in; for Cognito's managed login, `cognito(…).managedLogin.oauth2`. */
    provider: OAuth2Provider;
}
/** The setup itself, or a function that finds it when it is first needed (for example with `discover()`). */
type SignInConfig = SignInSetup | (() => SignInSetup | Promise<SignInSetup>);
/** Where the user was when sign-in started; what `<RequireSignIn>` and the router guard carry across the redirect. */
interface ReturnTo {
    returnTo: string;
}
/** Where the callback is: still exchanging the code, done (with the app state sign-in carried), or refused. */
type SignInCallbackState<TAppState = ReturnTo> = {
    readonly status: 'pending';
} | {
    readonly status: 'done';
    readonly appState: TAppState | undefined;
} | {
    readonly status: 'error';
    readonly error: TokenVaultError;
};

/** Options of the `tokenVault` plugin. */
interface TokenVaultPluginOptions {
    /** How `useSignIn()` and the callback reach the provider. */
    signIn?: SignInConfig;
}
/** The plugin: `app.use(tokenVault(session, { signIn }))` makes the session available to the composables. */
declare function tokenVault(session: Session, options?: TokenVaultPluginOptions): {
    install(app: App): void;
};
/**
 * The live snapshot as a `shallowRef`: it follows the session and lets go of
 * its subscription with the component's scope. `TClaims` types the app's own
 * claims (not checked at run time).
 */
declare function useSession<TClaims extends object = object>(): Readonly<ShallowRef<SessionSnapshot<TClaims>>>;
/** A function that sends the user to sign in with `appState` (JSON); it rejects with a `TokenVaultError` if it cannot. */
declare function useSignIn(): (appState?: unknown) => Promise<void>;
/** The plugin's `session.fetch`: `fetch` with the access token on the session's allowed origins (see the README). */
declare function useFetch(): Session['fetch'];
/** For the callback route: completes the sign-in once, takes the code out of the URL, and reports how it went. */
declare function useSignInCallback<TAppState = ReturnTo>(): Readonly<ShallowRef<SignInCallbackState<TAppState>>>;
/** The part of a vue-router route the guard reads (vue-router 4 and 5 pass a `RouteLocationNormalized`). */
interface GuardedRoute {
    fullPath: string;
    meta: Record<PropertyKey, unknown>;
}
/**
 * A vue-router guard, `router.beforeEach(signInGuard(session, signIn))`: a route
 * that `isProtected` (default: `meta.requiresSignIn`) waits for the session and,
 * signed out, starts sign-in that comes back to it. Fails the navigation with a
 * `TokenVaultError` when sign-in cannot start.
 */
declare function signInGuard(session: Session, config: SignInConfig, isProtected?: (to: GuardedRoute) => boolean): (to: GuardedRoute) => Promise<boolean>;

export { signInGuard, tokenVault, useFetch, useSession, useSignIn, useSignInCallback };
export type { GuardedRoute, ReturnTo, SignInCallbackState, SignInConfig, SignInSetup, TokenVaultPluginOptions };
