import { TokenVaultError, type ErrorCode } from '../errors.js';
import type { OAuthTokenResponse } from '../tokens.js';
import { check, refusal, send, urlOption, type ProviderAnswer } from './http.js';
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

/** What an OAuth 2.0 `error` value means when it says more than the HTTP status. */
const codeOf = (error: string | undefined): ErrorCode | undefined =>
  error == 'invalid_grant'
    ? 'invalid_grant'
    : error == 'slow_down'
      ? 'rate_limited'
      : error == 'server_error' || error == 'temporarily_unavailable'
        ? 'server_error'
        : undefined;

/** A generic OAuth 2.0 / OIDC provider: refresh at the token endpoint, RFC 7009 revocation. */
export function oauth2(options: OAuth2Options): OAuth2Provider {
  const { tokenEndpoint, revocationEndpoint, clientId, scope, fetch } = options ?? {};
  urlOption(tokenEndpoint, 'oauth2(): tokenEndpoint');
  if (revocationEndpoint !== undefined) urlOption(revocationEndpoint, 'oauth2(): revocationEndpoint');
  check(typeof clientId == 'string' && clientId, 'oauth2(): clientId is required.');

  const post = (url: string, form: Record<string, string>, signal?: AbortSignal): Promise<ProviderAnswer> =>
    send(
      fetch,
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: `${new URLSearchParams({ client_id: clientId, ...form })}`,
      },
      signal,
    );

  async function requestTokens(form: Record<string, string>, call?: ProviderCallOptions): Promise<OAuthTokenResponse> {
    const answer = await post(tokenEndpoint, form, call?.signal);
    const { data: body, status } = answer;
    if (!answer.ok) throw refusal(answer, 'The token request', [form['refresh_token'], form['code'], form['code_verifier']], codeOf);
    if (typeof body['access_token'] != 'string') {
      throw new TokenVaultError('invalid_response', 'The token request got no access_token.', { status });
    }
    return body as unknown as OAuthTokenResponse;
  }

  return {
    options,
    requestTokens,
    refresh(refresh_token, call) {
      return requestTokens({ grant_type: 'refresh_token', refresh_token, ...(scope === undefined ? {} : { scope }) }, call);
    },
    async revoke(token, call) {
      if (revocationEndpoint === undefined) return;
      const answer = await post(revocationEndpoint, { token, token_type_hint: 'refresh_token' }, call?.signal);
      // RFC 7009 §2.2: 200 also for tokens that were already invalid.
      if (answer.status != 200) throw refusal(answer, 'The revocation request', [token], codeOf);
    },
  };
}
