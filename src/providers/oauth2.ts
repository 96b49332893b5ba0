import { TokenVaultError, type ErrorCode } from '../errors.js';
import type { OAuthTokenResponse } from '../tokens.js';
import { answerError, fetchOf, parseUrl, safeText, send, type ProviderAnswer } from './http.js';
import type { FetchLike, Provider, ProviderCallOptions } from './types.js';

/** Options of the generic OAuth 2.0 / OpenID Connect provider. */
export interface OAuth2Options {
  /** The token endpoint (RFC 6749 §3.2). */
  tokenEndpoint: string;
  /** The revocation endpoint (RFC 7009); without it `revoke()` only clears locally. */
  revocationEndpoint?: string;
  /** The public client's id. */
  clientId: string;
  /** Scope to ask for on refresh; omitted, the server keeps the granted scope. */
  scope?: string;
  /** A fetch to use instead of the global one. */
  fetch?: FetchLike;
}

/** The generic OAuth 2.0 provider object; a `Provider` plus what it was built from. */
export interface OAuth2Provider extends Provider {
  readonly options: Readonly<OAuth2Options>;
  /** Posts a form to the token endpoint and returns the token response; used by refresh and the code exchange. */
  requestTokens(form: Record<string, string>, options?: ProviderCallOptions): Promise<OAuthTokenResponse>;
}

function checkUrl(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new TokenVaultError('invalid_config', `oauth2(): ${name} is required.`);
  parseUrl(value, `oauth2(): ${name}`);
  return value;
}

/** OAuth 2.0 `error` values that mean more than their HTTP status. */
const ERROR_CODES: ReadonlyMap<string, ErrorCode> = new Map([
  ['invalid_grant', 'invalid_grant'],
  ['temporarily_unavailable', 'server_error'],
  ['server_error', 'server_error'],
  ['slow_down', 'rate_limited'],
]);

/** Maps an OAuth 2.0 error answer (RFC 6749 §5.2) to a TokenVaultError; `secrets` are never repeated. */
export function oauthError(answer: ProviderAnswer, what: string, secrets: readonly string[]): TokenVaultError {
  const body = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as Record<string, unknown>;
  const providerCode = safeText(body['error'], secrets, 60);
  const description = safeText(body['error_description'], secrets);
  return answerError(answer, what, ERROR_CODES.get(providerCode as string), providerCode, description);
}

/** A generic OAuth 2.0 / OIDC provider: refresh at the token endpoint, RFC 7009 revocation. */
export function oauth2(options: OAuth2Options): OAuth2Provider {
  const tokenEndpoint = checkUrl(options?.tokenEndpoint, 'tokenEndpoint');
  const revocationEndpoint =
    options.revocationEndpoint === undefined ? undefined : checkUrl(options.revocationEndpoint, 'revocationEndpoint');
  if (typeof options.clientId !== 'string' || options.clientId === '') {
    throw new TokenVaultError('invalid_config', 'oauth2(): clientId is required.');
  }
  const getFetch = fetchOf(options.fetch);
  const formInit = (form: Record<string, string>): RequestInit => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });

  async function requestTokens(form: Record<string, string>, call?: ProviderCallOptions): Promise<OAuthTokenResponse> {
    const secrets = [form['refresh_token'] ?? '', form['code'] ?? '', form['code_verifier'] ?? ''];
    const answer = await send(getFetch(), tokenEndpoint, formInit({ client_id: options.clientId, ...form }), call?.signal);
    if (answer.status < 200 || answer.status >= 300) throw oauthError(answer, 'The token request', secrets);
    const body = answer.body as Partial<OAuthTokenResponse> | undefined;
    if (typeof body !== 'object' || body === null || typeof body.access_token !== 'string') {
      throw new TokenVaultError('invalid_response', 'The token endpoint answered without an access_token.', {
        status: answer.status,
      });
    }
    return body as OAuthTokenResponse;
  }

  return {
    options,
    requestTokens,
    refresh(refreshToken, call) {
      const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken };
      if (options.scope !== undefined) form['scope'] = options.scope;
      return requestTokens(form, call);
    },
    async revoke(refreshToken, call) {
      if (revocationEndpoint === undefined) return;
      const form = { client_id: options.clientId, token: refreshToken, token_type_hint: 'refresh_token' };
      const answer = await send(getFetch(), revocationEndpoint, formInit(form), call?.signal);
      // RFC 7009 §2.2: 200 also for tokens that were already invalid.
      if (answer.status !== 200) throw oauthError(answer, 'The revocation request', [refreshToken]);
    },
  };
}
