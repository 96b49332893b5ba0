import { App, ShallowRef } from 'vue';
import { JWTPayload } from 'jose';

/**
 * Every failure tokenvault reports has one of these codes. They are part of
 * the public contract: apps switch on them, so a code is never renamed.
 */
type ErrorCode = 
/** The provider refused the refresh token (expired, revoked, reused). Terminal. */
'invalid_grant'
/** The request never got an answer: offline, DNS, CORS, timeout. Retried. */
 | 'network'
/** The provider answered 5xx or said it failed internally. Retried. */
 | 'server_error'
/** The provider answered 429 or asked us to slow down. Retried. */
 | 'rate_limited'
/** The provider answered with an error we do not treat specially. */
 | 'provider_error'
/** The provider answered 2xx with a body that is not a usable token response. */
 | 'invalid_response'
/** A token or token response is malformed, or a token is of the wrong kind. */
 | 'invalid_token'
/** The call needs a signed-in session and there is none. */
 | 'not_signed_in'
/** IndexedDB or WebCrypto is missing or failing; the session runs in memory. */
 | 'storage_unavailable'
/** The persisted record could not be opened and was discarded. */
 | 'record_tampered'
/** Another tab held the refresh lock for too long. */
 | 'lock_timeout'
/** The sign-in redirect does not match what this tab started (state, verifier). */
 | 'invalid_state'
/** The authorization server sent the user back with `error=`. */
 | 'authorization_error'
/** The operation was abandoned: the session was signed out or disposed meanwhile. */
 | 'aborted'
/** A token failed signature or claim verification. */
 | 'verification_failed'
/** The options given to tokenvault are wrong. */
 | 'invalid_config';
/** Details a provider may attach; never a token. */
interface ErrorDetails {
    /** HTTP status, when there was a response. */
    status?: number;
    /** The provider's own error name (`error` in OAuth 2.0, `__type` in Cognito). */
    providerCode?: string;
    /** Seconds the provider asked us to wait (`Retry-After`). */
    retryAfter?: number;
}
/** The one error type tokenvault throws or emits. */
declare class TokenVaultError extends Error {
    readonly name = "TokenVaultError";
    readonly code: ErrorCode;
    readonly status?: number;
    readonly providerCode?: string;
    readonly retryAfter?: number;
    constructor(code: ErrorCode, message: string, details?: ErrorDetails & {
        cause?: unknown;
    });
    /** Whether trying again later may succeed (network trouble, 5xx, 429). */
    get retryable(): boolean;
}

/** A token endpoint's answer in OAuth 2.0 shape (RFC 6749 §5.1). */
interface OAuthTokenResponse {
    access_token: string;
    id_token?: string;
    refresh_token?: string;
    expires_in?: number | string;
    token_type?: string;
    scope?: string;
}
/**
 * Cognito's `AuthenticationResult` shape (InitiateAuth, GetTokensFromRefreshToken).
 * Every field is optional, as in the AWS SDK's `AuthenticationResultType`; a
 * result without an access token is refused at run time with `invalid_token`.
 */
interface CognitoAuthenticationResult {
    AccessToken?: string;
    IdToken?: string;
    RefreshToken?: string;
    ExpiresIn?: number;
    TokenType?: string;
}
/** What `setTokens()` accepts and what a provider's `refresh()` returns. */
type TokenResponse = OAuthTokenResponse | CognitoAuthenticationResult;
/** The postal address claim of OpenID Connect Core §5.1.1. */
interface AddressClaim {
    formatted?: string;
    street_address?: string;
    locality?: string;
    region?: string;
    postal_code?: string;
    country?: string;
}
/**
 * The claims an app reads without declaring them: OpenID Connect's standard
 * claims (Core §5.1 and the ID token's, §2) and Amazon Cognito's. Typed as the
 * specifications define them; tokenvault decodes claims, it does not check their types.
 */
interface StandardClaims extends JWTPayload {
    name?: string;
    given_name?: string;
    family_name?: string;
    middle_name?: string;
    nickname?: string;
    preferred_username?: string;
    profile?: string;
    picture?: string;
    website?: string;
    email?: string;
    email_verified?: boolean;
    gender?: string;
    birthdate?: string;
    zoneinfo?: string;
    locale?: string;
    phone_number?: string;
    phone_number_verified?: boolean;
    address?: AddressClaim;
    updated_at?: number;
    nonce?: string;
    auth_time?: number;
    acr?: string;
    amr?: string[];
    azp?: string;
    sid?: string;
    scope?: string;
    client_id?: string;
    'cognito:groups'?: string[];
    'cognito:username'?: string;
    'cognito:roles'?: string[];
    'cognito:preferred_role'?: string;
    /** Cognito: which token this is. */
    token_use?: 'id' | 'access';
    /** Cognito's access token names the user here. */
    username?: string;
    origin_jti?: string;
}
/**
 * Decoded JWT claims: the standard ones typed, `TCustom`'s typed as the app
 * declares them (`Claims<{ tenant: string }>`), any other one `unknown`.
 */
type Claims<TCustom extends object = object> = StandardClaims & TCustom & Record<string, unknown>;
/** The live token set held in memory. Times are milliseconds on this device's clock. */
interface TokenSet {
    readonly accessToken: string;
    readonly idToken?: string;
    readonly refreshToken?: string;
    readonly tokenType: string;
    readonly scope?: string;
    /** When the access token stops working, on this device's clock. */
    readonly expiresAt: number;
    /** When the response arrived, on this device's clock. */
    readonly receivedAt: number;
}

/** Per-call context a session hands to its provider. */
interface ProviderCallOptions {
    /** Aborted when the session signs out or is disposed while the call runs. */
    signal?: AbortSignal | undefined;
}
/**
 * Where tokens come from and go back to. A custom provider is any object of
 * this shape; `refresh` throws a `TokenVaultError` (code `invalid_grant` when
 * the refresh token is dead, `network`/`server_error`/`rate_limited` when a
 * retry may help) and returns the provider's token response.
 */
interface Provider {
    /** Exchanges a refresh token for fresh tokens. A response without a refresh token keeps the old one. */
    refresh(refreshToken: string, options?: ProviderCallOptions): Promise<TokenResponse>;
    /** Revokes the refresh token (and with it the grant) at the provider. */
    revoke?(refreshToken: string, options?: ProviderCallOptions): Promise<void>;
    /** Called once by `createSession()` with the session's key slots (for providers that bind keys, like DPoP). */
    attach?(context: ProviderContext): void;
    /** Present when the provider binds tokens to a key (DPoP, RFC 9449). */
    dpop?: DpopSigner;
}
interface DpopSigner {
    /** A DPoP proof JWT for one request to `url` (`htu` without query/fragment); `accessToken` adds `ath`. Uses the newest nonce known for the URL's origin. */
    proof(method: string, url: string, accessToken?: string): Promise<string>;
    /** Reads a response of a request to `url`: remembers its `DPoP-Nonce` for that origin; true when it is a `use_dpop_nonce` refusal worth one retry with a new proof. */
    retryWithNonce(url: string, response: Response): boolean;
}
/** The `fetch` signature tokenvault needs; inject one in tests or to add headers. */
type FetchLike = (input: string, init: RequestInit) => Promise<Response>;
/**
 * Named values a provider keeps with the session (a DPoP key pair): stored next to the sealing
 * key by structured clone, so a non-extractable `CryptoKey` stays one; shared by the session's
 * tabs; deleted with the session on sign-out and revocation.
 */
interface KeySlots {
    /** The slot's value, or undefined. */
    get(slot: string): Promise<unknown>;
    /** The slot's value, created (once for all tabs, under the refresh lock) when there is none. */
    getOrCreate<T>(slot: string, create: () => Promise<T>): Promise<T>;
}
/** What a session hands its provider when it is created. */
interface ProviderContext {
    /** The session's name. */
    readonly name: string;
    readonly slots: KeySlots;
}

/** Where a session is in its life. */
type SessionStatus = 'loading' | 'signedOut' | 'signedIn' | 'refreshing';
/**
 * An immutable picture of the session, what `getSnapshot()` returns. `TClaims`
 * declares an app's own claims (see `Claims`).
 */
interface SessionSnapshot<TClaims extends object = object> {
    readonly status: SessionStatus;
    readonly tokens?: TokenSet;
    /** The ID token's claims, or the access token's when there is no ID token (and it is a JWT). Decoded, not verified. */
    readonly claims?: Readonly<Claims<TClaims>>;
    /** Groups from `cognito:groups` or `groups`; empty when there are none. */
    readonly groups?: readonly string[];
    /** `cognito:username`, `username` or `preferred_username`. */
    readonly username?: string;
    /** When the access token expires, ms on this device's clock. */
    readonly expiresAt?: number;
    /** When the next refresh is planned, ms on this device's clock. */
    readonly refreshAt?: number;
}

/** Where an event came from: this tab's call, the provider's answer, or another tab. */
type EventOrigin = 'local' | 'provider' | 'tab';
/** The events a session emits, with their payloads. */
interface SessionEvents {
    signedIn: {
        source: 'local' | 'tab';
    };
    refreshed: {
        source: 'local' | 'tab';
        expiresAt: number;
    };
    rotated: {
        source: 'local' | 'tab';
    };
    revoked: {
        source: EventOrigin;
    };
    expired: {
        expiresAt: number;
    };
    signedOut: {
        source: EventOrigin;
    };
    error: {
        error: TokenVaultError;
    };
}
/** Options of `session.refresh()`. */
interface RefreshOptions {
    /**
     * Refresh only if the access token is still this one. For API clients: when several requests
     * are refused at once, the first refresh runs and the others find a new token and send nothing.
     */
    unless?: string;
}
/**
 * A live token session: the object apps and framework wrappers talk to.
 * `TClaims` declares the app's own claims (`createSession<{ tenant: string }>(…)`).
 */
interface Session<TClaims extends object = object> {
    /** Resolves once the stored session is restored (or found absent); never rejects. */
    readonly ready: Promise<void>;
    /** Stores tokens after sign-in (OAuth 2.0 or Cognito response shape). */
    setTokens(response: TokenResponse): Promise<void>;
    /** Returns a fresh access token, refreshing first if it is due. */
    getAccessToken(): Promise<string>;
    /** The current state; the same object until something changes. */
    getSnapshot(): SessionSnapshot<TClaims>;
    /** The snapshot a server render and hydration use: frozen, status `loading`, always the same object. */
    getServerSnapshot(): SessionSnapshot<TClaims>;
    /** Calls `listener` on every state change; returns the unsubscribe function. */
    subscribe(listener: () => void): () => void;
    /** Listens to one event type; returns the unsubscribe function. */
    on<K extends keyof SessionEvents>(type: K, listener: (event: SessionEvents[K]) => void): () => void;
    /** Refreshes now, whether due or not; with `unless`, only if the access token has not changed meanwhile. */
    refresh(options?: RefreshOptions): Promise<void>;
    /** Revokes the refresh token at the provider, then signs out everywhere. */
    revoke(): Promise<void>;
    /** Signs out in every tab; with `{ revoke: true }` also revokes at the provider (best effort). */
    signOut(options?: {
        revoke?: boolean;
    }): Promise<void>;
    /**
     * `fetch` with the access token: `Authorization: Bearer …` (or `DPoP …` with its proof) on requests
     * to the allowed origins only; a 401 `invalid_token` refreshes once and retries once.
     */
    fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
    /** Stops timers, listeners and the channel. The session is unusable afterwards. */
    dispose(): void;
}

/** Options of the generic OAuth 2.0 / OpenID Connect provider. */
interface OAuth2Options {
    /** The token endpoint (RFC 6749 §3.2): https:, or http: on localhost, 127.0.0.0/8 or [::1]. */
    tokenEndpoint: string;
    /** The revocation endpoint (RFC 7009); without it `revoke()` only clears locally. */
    revocationEndpoint?: string | undefined;
    /** The public client's id. */
    clientId: string;
    /** Scope to ask for on refresh; omitted, the server keeps the granted scope. */
    scope?: string | undefined;
    /** A fetch to use instead of the global one. */
    fetch?: FetchLike | undefined;
    /** Allows plain http: endpoints on hosts other than this machine: tokens then cross the network unencrypted. For development networks only. */
    dangerouslyAllowInsecureHttp?: boolean | undefined;
}
/** The generic OAuth 2.0 provider object; a `Provider` plus what it was built from. */
interface OAuth2Provider extends Provider {
    readonly options: Readonly<OAuth2Options>;
    /** Posts a form to the token endpoint and returns the token response; used by refresh and the code exchange. */
    requestTokens(form: Record<string, string>, options?: ProviderCallOptions): Promise<OAuthTokenResponse>;
}

/** Where to send the user to sign in, and what to ask for. */
interface SignInOptions {
    /** The provider's authorization endpoint (see `discover()`): https:, or http: on localhost, 127.0.0.0/8 or [::1]. */
    authorizationEndpoint: string;
    /** Where the provider sends the user back; registered with the client, and the page that calls `completeSignIn()`. */
    redirectUri: string;
    /** Space-separated scopes. Default: `openid`. */
    scope?: string | undefined;
    /** The OIDC nonce. Default: a random one when `scope` has `openid`; `false` sends none. */
    nonce?: string | false | undefined;
    /** The issuer; when set, an `iss` in the callback (RFC 9207) must equal it, which stops mix-up attacks. */
    issuer?: string | undefined;
    /** More authorize parameters (`prompt`, `login_hint`, `audience`, ...). They cannot replace the PKCE, state or client parameters. */
    extraParams?: Record<string, string> | undefined;
    /** The app's own state for the round trip (the path to return to, …): JSON data, kept in `sessionStorage` and handed back by `completeSignIn()`. */
    appState?: unknown;
    /** Allows plain http: endpoints and redirect URIs on hosts other than this machine: the code then crosses the network unencrypted. For development networks only. */
    dangerouslyAllowInsecureHttp?: boolean | undefined;
}

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
