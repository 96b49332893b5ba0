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

/** Tells when the page may have been asleep (tab shown, network back, page restored, window focused); returns the unsubscribe. */
type WakeSignals = (listener: () => void) => () => void;

/** One tab's line to the other tabs of its origin (a BroadcastChannel in browsers). */
interface TabChannel {
    post(message: unknown): void;
    /** Calls `listener` with each message another tab posts. */
    listen(listener: (message: unknown) => void): void;
    close(): void;
}
/** What the sealed record needs: IndexedDB, WebCrypto and the origin the record is bound to. */
interface StoragePort {
    readonly indexedDB: IDBFactory;
    readonly subtle: SubtleCrypto;
    readonly origin: string;
}
/** Web Locks, as far as the session uses them (exclusive mode, abortable waits). */
interface LockPort {
    request<T>(name: string, options: {
        signal?: AbortSignal;
    }, task: () => Promise<T>): Promise<T>;
}
/** The network, as the page sees it. */
interface NetworkPort {
    isOnline(): boolean;
    /** Calls `listener` when the network comes back; returns the unsubscribe. */
    onOnline(listener: () => void): () => void;
}
/**
 * The browser as a session uses it. Every part can be replaced (tests, hosts other
 * than a browser); a part that is `undefined` is absent, and the session does without it.
 * The provider's network calls go through the provider's own `fetch` option.
 */
interface SessionPorts {
    /** The device's wall clock, in ms since the epoch. */
    now: () => number;
    /** Random numbers in [0, 1), for jitter and tab ids. */
    random: () => number;
    /** Where the sealed record lives; absent: in memory only. */
    storage: StoragePort | undefined;
    /** Web Locks; absent: tabs take turns on the channel instead. */
    locks: LockPort | undefined;
    /** Opens the channel to the other tabs; absent: no other tab hears of this one. */
    channel: ((name: string) => TabChannel) | undefined;
    /** When the page may have slept; absent: no background refresh (tokens are refreshed when asked for). */
    wake: WakeSignals | undefined;
    /** Online and offline; absent: always online. */
    network: NetworkPort | undefined;
    /** What `session.fetch` sends with (not the provider's calls); absent: the global `fetch` of the moment. */
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => Promise<Response>) | undefined;
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
/** Makes DPoP proofs (RFC 9449) with the session's key, for apps that attach tokens to requests themselves. */
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
    /** Replaces the slot's value for all tabs (a new sign-in's DPoP key). */
    set(slot: string, value: unknown): Promise<void>;
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

/** Options of `createSession`. */
interface SessionOptions {
    /** Scopes the stored record, the key, the lock and the channel. Default `'default'`. */
    name?: string;
    /** Where tokens are refreshed and revoked: `oauth2()`, `cognito()` or your own. */
    provider: Provider;
    /** `'indexeddb'` (default): sealed record survives reloads. `'memory'`: gone with the page. */
    persist?: 'indexeddb' | 'memory';
    /** Seconds before expiry to refresh (default 60; less for short-lived tokens). */
    refreshBefore?: number;
    /** The device's clock, in ms since the epoch (default `Date.now`); shorthand for `ports.now`. */
    now?: () => number;
    /**
     * Origins (`https://api.example.com`, `scheme://host[:port]`) besides the page's own that
     * `session.fetch` sends the access token to; every other origin gets requests without it.
     */
    origins?: readonly string[];
    /** The browser parts the session uses (storage, locks, channel, clock …), for tests and other hosts. */
    ports?: Partial<SessionPorts>;
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
/** The name of an event: `signedIn`, `refreshed`, `rotated`, `revoked`, `expired`, `signedOut` or `error`. */
type SessionEventType = keyof SessionEvents;
/** Any one event with its `type`, for code that handles them all in one place (a log, a reducer). */
type SessionEvent = {
    [K in SessionEventType]: {
        readonly type: K;
    } & SessionEvents[K];
}[SessionEventType];
/** A listener for each event type an app cares about, each typed for its event. */
type SessionEventHandlers = {
    [K in SessionEventType]?: (event: SessionEvents[K]) => void;
};
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

/** Creates a token session; see the README for the lifecycle. */
declare function createSession<TClaims extends object = object>(options: SessionOptions): Session<TClaims>;

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
    /** Binds the tokens to a key of this browser (DPoP, RFC 9449); the provider must support it. See the README's "DPoP". */
    dpop?: boolean | undefined;
}
/** The generic OAuth 2.0 provider object; a `Provider` plus what it was built from. */
interface OAuth2Provider extends Provider {
    readonly options: Readonly<OAuth2Options>;
    /** Posts a form to the token endpoint and returns the token response; used by refresh and the code exchange. */
    requestTokens(form: Record<string, string>, options?: ProviderCallOptions): Promise<OAuthTokenResponse>;
    /** With `dpop: true`: proofs for the app's own requests. */
    readonly dpop?: DpopSigner;
}
/** A generic OAuth 2.0 / OIDC provider: refresh at the token endpoint, RFC 7009 revocation. */
declare function oauth2(options: OAuth2Options): OAuth2Provider;

/**
 * Options of the Amazon Cognito user-pool provider.
 *
 * There is deliberately no `clientSecret`: a browser cannot keep one, and an
 * app client with a secret needs a `SECRET_HASH` on every call. Use a public
 * app client (no secret) for single-page apps.
 */
interface CognitoOptions {
    /** The AWS region of the user pool, e.g. `eu-west-1`. Read from `userPoolId` when omitted. Any name with `endpoint` (an emulator's `local`). */
    region?: string | undefined;
    /** The app client's id (a public client, without a secret). */
    clientId: string;
    /** The user pool's id, e.g. `eu-west-1_AbCdEf123`; gives `issuer` and `jwksUri` for verification. Any `name_id` with `endpoint`. */
    userPoolId?: string | undefined;
    /** The user-pool API URL, for emulators and proxies. Default: `https://cognito-idp.{region}.amazonaws.com/`. */
    endpoint?: string | undefined;
    /** The app client has refresh-token rotation on: refresh with `GetTokensFromRefreshToken`. */
    rotation?: boolean | undefined;
    /**
     * The managed-login (hosted UI) domain, e.g. `auth.example.com` or
     * `my-app.auth.eu-west-1.amazoncognito.com` (an `https://` origin is accepted too).
     * When set, refresh and revocation go through its `/oauth2/token` and `/oauth2/revoke`.
     */
    domain?: string | undefined;
    /** The device key of a remembered device (device tracking), or a function that looks it up at refresh time. */
    deviceKey?: string | (() => string | undefined) | undefined;
    /** A fetch to use instead of the global one. */
    fetch?: FetchLike | undefined;
    /** Cognito issues no DPoP-bound tokens (RFC 9449): `dpop: true` is refused with `invalid_config`. */
    dpop?: false | undefined;
    /** Allows a plain http: `endpoint` or `domain` on hosts other than this machine: tokens then cross the network unencrypted. For development networks only. */
    dangerouslyAllowInsecureHttp?: boolean | undefined;
}
/** The managed-login endpoints of a Cognito domain, and the OAuth 2.0 provider that talks to them. */
interface CognitoManagedLogin {
    readonly authorizationEndpoint: string;
    readonly tokenEndpoint: string;
    readonly revocationEndpoint: string;
    /** `https://{domain}/logout`: ends the managed-login session (`endSessionUrl()`). */
    readonly logoutEndpoint: string;
    /** The `oauth2()` provider behind refresh and revocation; hand it to the PKCE sign-in helper. */
    readonly oauth2: OAuth2Provider;
}
/** The Cognito provider object: a `Provider` plus what a verifier or sign-in helper needs to know. */
interface CognitoProvider extends Provider {
    readonly options: Readonly<CognitoOptions>;
    /** The user-pool API URL that refresh and revocation post to (unused with `domain`). */
    readonly endpoint: string | undefined;
    /** The pool's token issuer, when `userPoolId` and an AWS region are known (an emulator's: give it to the verifier yourself). */
    readonly issuer: string | undefined;
    /** The pool's JWKS URL, when `issuer` is known. */
    readonly jwksUri: string | undefined;
    /** Present when `domain` is set. */
    readonly managedLogin: CognitoManagedLogin | undefined;
}
/**
 * Amazon Cognito: refresh with `InitiateAuth` `REFRESH_TOKEN_AUTH` (or
 * `GetTokensFromRefreshToken` when `rotation` is on) and revoke with
 * `RevokeToken`, or use the managed-login `/oauth2/*` endpoints when `domain` is set.
 */
declare function cognito(options: CognitoOptions): CognitoProvider;

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
/** Whose sign-in it is: an `oauth2()` provider, or just the client id. */
type SignInClient = Pick<OAuth2Provider, 'options'> | {
    clientId: string;
};
/** What `completeSignIn()` resolves to: the token response for `session.setTokens()`, and the app's state. */
interface SignInResult<TAppState = unknown> extends OAuthTokenResponse {
    /** The `appState` given to `beginSignIn()`; absent when it was given none. */
    appState?: TAppState;
}
/**
 * Starts an authorization-code + PKCE sign-in and returns the URL to send the user to.
 *
 * The verifier, `state`, nonce and `appState` stay in this tab's `sessionStorage` until
 * `completeSignIn()` uses them; several sign-ins may be pending at once.
 */
declare function beginSignIn(client: SignInClient, options: SignInOptions): Promise<string>;
/**
 * Finishes the sign-in on the redirect page (default: `location.href`): checks
 * `state`, exchanges the code and returns the token response for `session.setTokens()`,
 * with the `appState` given to `beginSignIn()`.
 *
 * Throws `authorization_error` for an `error=` callback, `invalid_state` for a
 * callback this tab did not start (or already used), `verification_failed`
 * for a wrong nonce, and the provider's errors for a refused code. Called again
 * with the same callback while the first call runs, it returns the same result.
 */
declare function completeSignIn<TAppState = unknown>(provider: OAuth2Provider, callbackUrl?: string | URL): Promise<SignInResult<TAppState>>;

/** The endpoints an SPA needs from an OpenID provider's discovery document. */
interface ProviderMetadata {
    issuer: string;
    authorizationEndpoint: string;
    tokenEndpoint: string;
    revocationEndpoint?: string;
    endSessionEndpoint?: string;
    jwksUri?: string;
}
/** Options of `discover()`. */
interface DiscoverOptions {
    /** A fetch to use instead of the global one. */
    fetch?: FetchLike | undefined;
    signal?: AbortSignal | undefined;
    /** Allows a plain http: issuer and endpoints on hosts other than this machine: tokens then cross the network unencrypted. For development networks only. */
    dangerouslyAllowInsecureHttp?: boolean | undefined;
}
/** Reads `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0) and returns the endpoints. */
declare function discover(issuer: string, options?: DiscoverOptions): Promise<ProviderMetadata>;

/** Where `endSessionUrl()` sends the user to end the provider's login, and what it tells the provider. */
interface EndSessionOptions {
    /**
     * The provider's `end_session_endpoint` (`discover()`'s `endSessionEndpoint`; OpenID Connect
     * RP-Initiated Logout). Not needed for Cognito managed login: its `/logout` is used.
     */
    endSessionEndpoint?: string | undefined;
    /** Where the provider sends the user afterwards; registered with the client (Cognito: an allowed sign-out URL). */
    postLogoutRedirectUri?: string | undefined;
    /** The ID token, so the provider knows whose login to end without asking (`id_token_hint`). */
    idTokenHint?: string | undefined;
    /** Handed back on the `postLogoutRedirectUri` (OpenID Connect only). */
    state?: string | undefined;
    /** More parameters (`ui_locales`, `logout_hint`, …); they cannot replace the ones above. */
    extraParams?: Record<string, string> | undefined;
    /** Allows plain http: URLs on hosts other than this machine. For development networks only. */
    dangerouslyAllowInsecureHttp?: boolean | undefined;
}
/** Options of `signOutAtProvider()`: where to end the provider's login, and whether to revoke first. */
interface SignOutAtProviderOptions extends Omit<EndSessionOptions, 'idTokenHint'> {
    /** Also revoke the refresh token at the provider (best effort), as `signOut({ revoke: true })`. */
    revoke?: boolean | undefined;
}
/**
 * The URL that ends the user's login at the provider: OpenID Connect's `end_session_endpoint`
 * with `client_id`, `id_token_hint`, `post_logout_redirect_uri` and `state`, or, for a
 * `cognito()` provider with a `domain`, `https://{domain}/logout?client_id=…&logout_uri=…`.
 */
declare function endSessionUrl(client: SignInClient | CognitoProvider, options: EndSessionOptions): string;
/**
 * Signs out in every tab (the local sign-out comes first, whatever the redirect does), then
 * sends the browser to the provider to end its login too, so the next sign-in asks again.
 * Bad options are refused with `invalid_config` before anything changes.
 */
declare function signOutAtProvider(session: Pick<Session, 'getSnapshot' | 'signOut'>, client: SignInClient | CognitoProvider, options: SignOutAtProviderOptions): Promise<void>;

export { TokenVaultError, beginSignIn, cognito, completeSignIn, createSession, discover, endSessionUrl, oauth2, signOutAtProvider };
export type { AddressClaim, Claims, CognitoAuthenticationResult, CognitoManagedLogin, CognitoOptions, CognitoProvider, DiscoverOptions, DpopSigner, EndSessionOptions, ErrorCode, ErrorDetails, EventOrigin, FetchLike, KeySlots, LockPort, NetworkPort, OAuth2Options, OAuth2Provider, OAuthTokenResponse, Provider, ProviderCallOptions, ProviderContext, ProviderMetadata, RefreshOptions, Session, SessionEvent, SessionEventHandlers, SessionEventType, SessionEvents, SessionOptions, SessionPorts, SessionSnapshot, SessionStatus, SignInClient, SignInOptions, SignInResult, SignOutAtProviderOptions, StandardClaims, StoragePort, TabChannel, TokenResponse, TokenSet, WakeSignals };
