import { TokenVaultError } from '../errors.js';
import { decodeClaims, type OAuthTokenResponse } from '../tokens.js';
import { providerWords } from './http.js';
import type { DpopBinding, OAuth2Provider } from './oauth2.js';
import { urlOption } from './options.js';
import { checkAppState, keepPending, takePending, type PendingSignIn } from './pending-sign-in.js';

/** Where to send the user to sign in, and what to ask for. */
export interface SignInOptions {
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
export type SignInClient = Pick<OAuth2Provider, 'options'> | { clientId: string };

/** What `completeSignIn()` resolves to: the token response for `session.setTokens()`, and the app's state. */
export interface SignInResult<TAppState = unknown> extends OAuthTokenResponse {
  /** The `appState` given to `beginSignIn()`; absent when it was given none. */
  appState?: TAppState;
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const randomString = (bytes: number): string => base64Url(crypto.getRandomValues(new Uint8Array(bytes)));

/** The client id of a sign-in client: an `oauth2()` (or `cognito()`) provider's, or the one given. */
export const clientIdOf = (client: SignInClient | { options: { clientId: string } }): string =>
  'options' in client ? client.options.clientId : client.clientId;

/** The DPoP side of an `oauth2({ dpop: true })` provider; undefined for any other client (one with a `dpop` of its own too). */
const dpopOf = (client: SignInClient): DpopBinding | undefined => {
  const { dpop } = client as { dpop?: Partial<DpopBinding> };
  return typeof dpop?.load == 'function' ? (dpop as DpopBinding) : undefined;
};

/**
 * Starts an authorization-code + PKCE sign-in and returns the URL to send the user to.
 *
 * The verifier, `state`, nonce and `appState` stay in this tab's `sessionStorage` until
 * `completeSignIn()` uses them; several sign-ins may be pending at once.
 */
export async function beginSignIn(client: SignInClient, options: SignInOptions): Promise<string> {
  const { redirectUri, issuer, appState } = options;
  const insecureHttp = options.dangerouslyAllowInsecureHttp;
  const url = urlOption(options.authorizationEndpoint, 'beginSignIn(): authorizationEndpoint', { insecureHttp });
  // An app's own scheme (`com.example.app:/callback`) is a valid redirect URI too.
  urlOption(redirectUri, 'beginSignIn(): redirectUri', { anyScheme: true, insecureHttp });
  if (appState !== undefined) checkAppState(appState);
  const scope = options.scope ?? 'openid';
  const nonce =
    options.nonce === false ? undefined : (options.nonce ?? (scope.split(' ').includes('openid') ? randomString(16) : undefined));
  const verifier = randomString(32);
  const state = randomString(16);
  // Ours come last, so extraParams cannot replace them.
  const params: Record<string, string> = {
    ...options.extraParams,
    client_id: clientIdOf(client),
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)))),
    code_challenge_method: 'S256',
  };
  if (nonce !== undefined) params['nonce'] = nonce;
  // RFC 9449 §10: the code is bound to the key that must then prove it at the exchange.
  const dpop = dpopOf(client);
  if (dpop) params['dpop_jkt'] = await (await dpop.load()).beginSignIn(state);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  keepPending(state, { verifier, redirectUri, nonce, issuer, appState, createdAt: Date.now() });
  return url.toString();
}

/**
 * Code exchanges under way in this page, by callback URL. React's StrictMode runs an effect
 * twice in development: the second call gets the first one's result instead of `invalid_state`.
 * An entry lasts only while its exchange runs, so a replay afterwards is still refused.
 */
const exchanges = new Map<string, Promise<SignInResult>>();

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
export async function completeSignIn<TAppState = unknown>(
  provider: OAuth2Provider,
  callbackUrl?: string | URL,
): Promise<SignInResult<TAppState>> {
  const { href } = urlOption(callbackUrl ?? globalThis.location?.href, 'completeSignIn(): the callback URL', {
    anyScheme: true,
    insecureHttp: true,
  });
  let exchange = exchanges.get(href);
  if (!exchange) {
    exchange = exchangeCode(provider, new URL(href).searchParams).finally(() => exchanges.delete(href));
    exchanges.set(href, exchange);
  }
  return exchange as Promise<SignInResult<TAppState>>;
}

/** Checks a callback against the sign-in it belongs to and exchanges its code. */
async function exchangeCode(provider: OAuth2Provider, params: URLSearchParams): Promise<SignInResult> {
  // Single use: a replayed or reloaded callback finds nothing.
  const pending = takePending(params.get('state'));
  const error = params.get('error');
  if (error !== null) {
    const [providerCode, said] = providerWords(error, params.get('error_description'), [pending?.verifier]);
    throw new TokenVaultError('authorization_error', `The sign-in was refused${said}.`, { providerCode });
  }
  if (!pending) {
    throw new TokenVaultError('invalid_state', 'This sign-in was not started in this tab, has expired or was already used.');
  }
  const iss = params.get('iss');
  if (pending.issuer !== undefined && iss !== null && iss !== pending.issuer) {
    throw new TokenVaultError('invalid_state', 'The sign-in callback comes from another issuer.');
  }
  const code = params.get('code');
  if (!code) throw new TokenVaultError('authorization_error', 'The sign-in callback has neither a code nor an error.');

  const exchange = () =>
    provider.requestTokens({ grant_type: 'authorization_code', code, redirect_uri: pending.redirectUri, code_verifier: pending.verifier });
  // With DPoP, the exchange proves the key the sign-in began with, which then becomes the session's.
  const dpop = await dpopOf(provider)?.load();
  const response = await (dpop ? dpop.completeSignIn(params.get('state')!, exchange) : exchange());
  if (pending.nonce !== undefined && decodeClaims(response.id_token ?? '', 'ID token')?.['nonce'] !== pending.nonce) {
    throw new TokenVaultError('verification_failed', 'The ID token lacks the nonce this sign-in sent.');
  }
  return withAppState(response, pending);
}

/** The token response with the app's state from the pending sign-in (and never a provider's field of that name). */
function withAppState(response: OAuthTokenResponse, pending: PendingSignIn): SignInResult {
  const { appState: _theirs, ...tokens } = response as SignInResult;
  return 'appState' in pending ? { ...tokens, appState: pending.appState } : tokens;
}
