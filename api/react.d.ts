import { ReactNode } from 'react';
import { SignInOptions, OAuth2Provider, TokenVaultError, Session, SessionSnapshot } from 'tokenvault';

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

/** Props of `<SessionProvider>`. */
interface SessionProviderProps {
    /** A session created once, outside React (module scope), so remounts never re-create it. */
    session: Session;
    /** How `signIn()` sends the user to the provider, and how the callback finishes. */
    signIn?: SignInConfig;
    children?: ReactNode;
}
/** What `useSession()` returns: the live snapshot's fields, what the wrapper is doing, and the actions. */
interface SessionState<TClaims extends object = object> extends SessionSnapshot<TClaims> {
    /** The session is being restored, a sign-in is being prepared, or a callback is being completed. */
    readonly isLoading: boolean;
    /** Status `signedIn` or `refreshing`: there are tokens. */
    readonly isSignedIn: boolean;
    /** Why the last sign-in or callback failed here (the provider is down, a bogus callback, …). */
    readonly error?: TokenVaultError;
    /** Sends the user to sign in, carrying `appState` (JSON) across the redirect. Never rejects: failures land in `error`. */
    signIn(appState?: unknown): Promise<void>;
    /** Signs out in every tab (`{ revoke: true }` also revokes at the provider, best effort): `session.signOut`. */
    signOut(options?: {
        revoke?: boolean;
    }): Promise<void>;
    /** A fresh access token; rejects with a `TokenVaultError` when there is none to be had. */
    getAccessToken(): Promise<string>;
    /** `fetch` with the access token on the session's allowed origins: `session.fetch`. */
    fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
    /** The session itself, for events and everything else. */
    readonly session: Session<TClaims>;
}
/** Gives the components below it a session created outside React; never creates or disposes one. */
declare function SessionProvider({ session, signIn: config, children }: SessionProviderProps): ReactNode;
/**
 * The live session for a component: re-renders when the snapshot changes (not on every event).
 * `TClaims` types the app's own claims; it is not checked at run time.
 */
declare function useSession<TClaims extends object = object>(): SessionState<TClaims>;

/**
 * Completes the sign-in on the callback page, once per component (StrictMode's
 * double mount included): stores the tokens, takes the code out of the URL,
 * hands back the app state and calls `onDone(appState)`. A bogus, replayed or
 * refused callback ends in `error`.
 */
declare function useSignInCallback<TAppState = ReturnTo>(onDone?: (appState: TAppState | undefined) => void): SignInCallbackState<TAppState>;
/** Props of `<SignInCallback>`. */
interface SignInCallbackProps<TAppState = ReturnTo> {
    /** Called once the tokens are stored, with the app state sign-in carried: navigate on from here. */
    onDone(appState: TAppState | undefined): void;
    /** Shown while the code is exchanged. */
    fallback?: ReactNode;
    /** Shown when the callback is refused; default: the error's message (never a token) in a `role="alert"` paragraph. */
    renderError?(error: TokenVaultError): ReactNode;
}
/** The callback route's component: completes the sign-in once, then calls `onDone(appState)`. */
declare function SignInCallback<TAppState = ReturnTo>({ onDone, fallback, renderError }: SignInCallbackProps<TAppState>): ReactNode;
/** Props of `<RequireSignIn>`. */
interface RequireSignInProps {
    children?: ReactNode;
    /**
     * Shown instead of the children until there is a session. When sign-in cannot
     * start (the provider is down), `useSession().error` says why and `signIn()` tries again.
     */
    fallback?: ReactNode;
    /** Whether to start sign-in when signed out (default `true`); `false` shows only the fallback. */
    redirect?: boolean;
}
/** Renders its children when signed in; otherwise starts sign-in (coming back to this page) and shows the fallback. */
declare function RequireSignIn({ children, fallback, redirect }: RequireSignInProps): ReactNode;

export { RequireSignIn, SessionProvider, SignInCallback, useSession, useSignInCallback };
export type { RequireSignInProps, ReturnTo, SessionProviderProps, SessionState, SignInCallbackProps, SignInCallbackState, SignInConfig, SignInSetup };
