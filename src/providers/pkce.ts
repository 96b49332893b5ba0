import { TokenVaultError } from '../errors.js';
import { decodeClaims, type OAuthTokenResponse } from '../tokens.js';
import { told } from './http.js';
import type { OAuth2Provider } from './oauth2.js';
import { urlOption } from './options.js';

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
  /** Allows plain http: endpoints and redirect URIs on hosts other than this machine: the code then crosses the network unencrypted. For development networks only. */
  dangerouslyAllowInsecureHttp?: boolean | undefined;
}

/** Whose sign-in it is: an `oauth2()` provider, or just the client id. */
export type SignInClient = Pick<OAuth2Provider, 'options'> | { clientId: string };

/** What one tab remembers between the redirect out and the redirect back. Never tokens. */
interface PendingSignIn {
  verifier: string;
  redirectUri: string;
  nonce?: string;
  issuer?: string;
  createdAt: number;
}

const KEY_PREFIX = 'tokenvault:signin:';
/** A sign-in left unfinished for this long is forgotten (and its callback refused). */
const PENDING_MAX_AGE_MS = 15 * 60_000;

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const randomString = (bytes: number): string => base64Url(crypto.getRandomValues(new Uint8Array(bytes)));

function storage(): Storage {
  let cause: unknown;
  try {
    // Reading it throws in sandboxed frames and some private modes.
    if (sessionStorage) return sessionStorage;
  } catch (error) {
    cause = error;
  }
  throw new TokenVaultError('storage_unavailable', 'sessionStorage is not available for the sign-in.', { cause });
}

/** The sign-in pending under `key`, unless it is missing, garbled or too old. */
function pendingAt(store: Storage, key: string): PendingSignIn | undefined {
  try {
    // A missing key parses to null, and reading from null throws: missing is as good as garbled.
    const pending = JSON.parse(store.getItem(key)!) as PendingSignIn;
    if (typeof pending.verifier == 'string' && Date.now() - pending.createdAt <= PENDING_MAX_AGE_MS) return pending;
  } catch {
    // Garbled.
  }
}

/**
 * Starts an authorization-code + PKCE sign-in and returns the URL to send the user to.
 *
 * The verifier, `state` and nonce stay in this tab's `sessionStorage` until
 * `completeSignIn()` uses them; several sign-ins may be pending at once.
 */
export async function beginSignIn(client: SignInClient, options: SignInOptions): Promise<string> {
  const { redirectUri, issuer } = options;
  const insecureHttp = options.dangerouslyAllowInsecureHttp;
  const url = urlOption(options.authorizationEndpoint, 'beginSignIn(): authorizationEndpoint', { insecureHttp });
  // An app's own scheme (`com.example.app:/callback`) is a valid redirect URI too.
  urlOption(redirectUri, 'beginSignIn(): redirectUri', { anyScheme: true, insecureHttp });
  const scope = options.scope ?? 'openid';
  const nonce =
    options.nonce === false ? undefined : (options.nonce ?? (scope.split(' ').includes('openid') ? randomString(16) : undefined));
  const verifier = randomString(32);
  const state = randomString(16);
  // Ours come last, so extraParams cannot replace them.
  const params: Record<string, string> = {
    ...options.extraParams,
    client_id: 'options' in client ? client.options.clientId : client.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)))),
    code_challenge_method: 'S256',
  };
  if (nonce !== undefined) params['nonce'] = nonce;
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);

  const store = storage();
  for (const key of Object.keys(store)) if (key.startsWith(KEY_PREFIX) && !pendingAt(store, key)) store.removeItem(key);
  // JSON.stringify leaves out the undefined fields.
  store.setItem(KEY_PREFIX + state, JSON.stringify({ verifier, redirectUri, nonce, issuer, createdAt: Date.now() } satisfies PendingSignIn));
  return url.toString();
}

/**
 * Finishes the sign-in on the redirect page (default: `location.href`): checks
 * `state`, exchanges the code and returns the token response for `session.setTokens()`.
 *
 * Throws `authorization_error` for an `error=` callback, `invalid_state` for a
 * callback this tab did not start (or already used), `verification_failed`
 * for a wrong nonce, and the provider's errors for a refused code.
 */
export async function completeSignIn(provider: OAuth2Provider, callbackUrl?: string | URL): Promise<OAuthTokenResponse> {
  const params = urlOption(callbackUrl ?? globalThis.location?.href, 'completeSignIn(): the callback URL', {
    anyScheme: true,
    insecureHttp: true,
  }).searchParams;
  const store = storage();
  // Without a state the key ends in "null", which no sign-in uses.
  const key = KEY_PREFIX + params.get('state');
  const pending = pendingAt(store, key);
  // Single use: a replayed or reloaded callback finds nothing.
  store.removeItem(key);

  const error = params.get('error');
  if (error !== null) {
    const [providerCode, said] = told(error, params.get('error_description'), [pending?.verifier]);
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

  const response = await provider.requestTokens({
    grant_type: 'authorization_code',
    code,
    redirect_uri: pending.redirectUri,
    code_verifier: pending.verifier,
  });
  if (pending.nonce !== undefined && decodeClaims(response.id_token ?? '', 'ID token')?.['nonce'] !== pending.nonce) {
    throw new TokenVaultError('verification_failed', 'The ID token lacks the nonce this sign-in sent.');
  }
  return response;
}
