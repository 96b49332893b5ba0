import { TokenVaultError } from '../errors.js';
import { decodeClaims, type OAuthTokenResponse } from '../tokens.js';
import { safeText } from './http.js';
import type { OAuth2Provider } from './oauth2.js';

/** Where to send the user to sign in, and what to ask for. */
export interface SignInOptions {
  /** The provider's authorization endpoint (see `discover()`). */
  authorizationEndpoint: string;
  /** Where the provider sends the user back; registered with the client, and the page that calls `completeSignIn()`. */
  redirectUri: string;
  /** Space-separated scopes. Default: `openid`. */
  scope?: string;
  /** The OIDC nonce. Default: a random one when `scope` has `openid`; `false` sends none. */
  nonce?: string | false;
  /** The issuer; when set, an `iss` in the callback (RFC 9207) must equal it, which stops mix-up attacks. */
  issuer?: string;
  /** More authorize parameters (`prompt`, `login_hint`, `audience`, ...). They cannot replace the PKCE, state or client parameters. */
  extraParams?: Record<string, string>;
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

function randomString(bytes: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function storage(): Storage {
  let store: Storage | undefined;
  let cause: unknown;
  try {
    // Reading the property itself throws in sandboxed frames and some private modes.
    store = globalThis.sessionStorage;
  } catch (error) {
    cause = error;
  }
  if (store) return store;
  throw new TokenVaultError('storage_unavailable', 'sessionStorage is not available for the sign-in round trip.', { cause });
}

function readPending(store: Storage, key: string): PendingSignIn | undefined {
  const raw = store.getItem(key);
  if (raw === null) return undefined;
  try {
    const pending = JSON.parse(raw) as PendingSignIn;
    return typeof pending.verifier === 'string' && typeof pending.createdAt === 'number' ? pending : undefined;
  } catch {
    return undefined;
  }
}

function forgetStale(store: Storage, now: number): void {
  for (let i = store.length - 1; i >= 0; i--) {
    const key = store.key(i);
    if (key === null || !key.startsWith(KEY_PREFIX)) continue;
    const pending = readPending(store, key);
    if (pending === undefined || now - pending.createdAt > PENDING_MAX_AGE_MS) store.removeItem(key);
  }
}

/**
 * Starts an authorization-code + PKCE sign-in and returns the URL to send the user to.
 *
 * The verifier, `state` and nonce stay in this tab's `sessionStorage` until
 * `completeSignIn()` uses them; several sign-ins may be pending at once.
 */
export async function beginSignIn(client: SignInClient, options: SignInOptions): Promise<string> {
  const clientId = 'options' in client ? client.options.clientId : client.clientId;
  let url: URL;
  try {
    url = new URL(options.authorizationEndpoint);
    new URL(options.redirectUri);
  } catch (cause) {
    throw new TokenVaultError('invalid_config', 'beginSignIn(): authorizationEndpoint and redirectUri must be absolute URLs.', { cause });
  }
  const scope = options.scope ?? 'openid';
  const nonce =
    options.nonce === false ? undefined : (options.nonce ?? (scope.split(' ').includes('openid') ? randomString(16) : undefined));
  const verifier = randomString(32);
  const state = randomString(16);
  const challenge = base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));

  for (const [name, value] of Object.entries(options.extraParams ?? {})) url.searchParams.set(name, value);
  const params: Record<string, string> = {
    client_id: clientId,
    response_type: 'code',
    redirect_uri: options.redirectUri,
    scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  if (nonce !== undefined) params['nonce'] = nonce;
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);

  const store = storage();
  const now = Date.now();
  forgetStale(store, now);
  // JSON.stringify leaves out the undefined fields.
  const pending: PendingSignIn = { verifier, redirectUri: options.redirectUri, nonce, issuer: options.issuer, createdAt: now };
  store.setItem(KEY_PREFIX + state, JSON.stringify(pending));
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
  const url = callbackUrl ?? globalThis.location?.href;
  if (url === undefined) throw new TokenVaultError('invalid_config', 'completeSignIn(): pass the callback URL.');
  const params = new URL(url).searchParams;
  const state = params.get('state');
  const store = storage();
  const key = KEY_PREFIX + (state ?? '');
  const pending = state === null ? undefined : readPending(store, key);
  // Single use: a replayed or reloaded callback finds nothing.
  if (state !== null) store.removeItem(key);

  const error = params.get('error');
  if (error !== null) {
    const providerCode = safeText(error, [], 60);
    const description = safeText(params.get('error_description'));
    const said = [providerCode, description].filter(Boolean).join(': ');
    throw new TokenVaultError('authorization_error', `The sign-in was refused${said ? ` (${said})` : ''}.`, { providerCode });
  }
  if (pending === undefined || Date.now() - pending.createdAt > PENDING_MAX_AGE_MS) {
    throw new TokenVaultError('invalid_state', 'This sign-in callback was not started by this tab, has expired or was already used.');
  }
  const iss = params.get('iss');
  if (pending.issuer !== undefined && iss !== null && iss !== pending.issuer) {
    throw new TokenVaultError('invalid_state', 'The sign-in callback comes from another issuer than the one asked.');
  }
  const code = params.get('code');
  if (code === null || code === '') {
    throw new TokenVaultError('authorization_error', 'The sign-in callback has neither a code nor an error.');
  }

  const response = await provider.requestTokens({
    grant_type: 'authorization_code',
    code,
    redirect_uri: pending.redirectUri,
    code_verifier: pending.verifier,
  });
  if (pending.nonce !== undefined) {
    const claims = response.id_token === undefined ? undefined : decodeClaims(response.id_token, 'ID token');
    if (claims?.['nonce'] !== pending.nonce) {
      throw new TokenVaultError('verification_failed', 'The ID token does not carry the nonce this sign-in sent.');
    }
  }
  return response;
}
