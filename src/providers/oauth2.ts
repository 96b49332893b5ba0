import { TokenVaultError, type ErrorCode } from '../errors.js';
import type { OAuthTokenResponse } from '../tokens.js';
import { errorFromAnswer, send, type ProviderAnswer } from './http.js';
import { requireOption, urlOption } from './options.js';
import type { DpopRuntime } from '../dpop/dpop-signer.js';
import type { DpopSigner, FetchLike, Provider, ProviderCallOptions, ProviderContext } from './types.js';

/** Options of the generic OAuth 2.0 / OpenID Connect provider. */
export interface OAuth2Options {
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
export interface OAuth2Provider extends Provider {
  readonly options: Readonly<OAuth2Options>;
  /** Posts a form to the token endpoint and returns the token response; used by refresh and the code exchange. */
  requestTokens(form: Record<string, string>, options?: ProviderCallOptions): Promise<OAuthTokenResponse>;
  /** With `dpop: true`: proofs for the app's own requests. */
  readonly dpop?: DpopSigner;
}

/** The DPoP signer as the PKCE sign-in sees it: the public one, and its code loaded for the sign-in steps. */
export interface DpopBinding extends DpopSigner {
  load(): Promise<DpopRuntime>;
}

/**
 * The DPoP signer of a provider, whose code (src/dpop/) is a chunk of its own, loaded the first time
 * it is used. A nonce can only arrive in a response to a request that carried a proof, so by the time
 * `retryWithNonce` is called the chunk is there.
 */
function lazyDpop(fetch: FetchLike | undefined, context: () => ProviderContext | undefined): DpopBinding {
  let loaded: DpopRuntime | undefined;
  const load = async (): Promise<DpopRuntime> => (loaded ??= (await import('../dpop/dpop-signer.js')).createDpop(fetch, context));
  return {
    load,
    proof: async (method, url, accessToken) => (await load()).proof(method, url, accessToken),
    retryWithNonce: (url, response) => loaded?.retryWithNonce(url, response) ?? false,
  };
}

/**
 * What an OAuth 2.0 `error` value at a 4xx means when it says more than the status. An error
 * response is a 400 (401 when client authentication failed, RFC 6749 §5.2): `invalid_grant`
 * at any other status is no reason to end a session.
 */
const codeOf = (error: string | undefined, status: number): ErrorCode | undefined =>
  error == 'invalid_grant'
    ? status == 400 || status == 401
      ? 'invalid_grant'
      : undefined
    : error == 'slow_down'
      ? 'rate_limited'
      : error == 'server_error' || error == 'temporarily_unavailable'
        ? 'server_error'
        : undefined;

/** A generic OAuth 2.0 / OIDC provider: refresh at the token endpoint, RFC 7009 revocation. */
export function oauth2(options: OAuth2Options): OAuth2Provider {
  const { tokenEndpoint, revocationEndpoint, clientId, scope } = options ?? {};
  let context: ProviderContext | undefined;
  const dpop = options?.dpop ? lazyDpop(options.fetch, () => context) : undefined;
  const fetch: FetchLike | undefined = dpop ? async (url, init) => (await dpop.load()).fetch(url, init) : options?.fetch;
  const rules = { insecureHttp: options?.dangerouslyAllowInsecureHttp };
  urlOption(tokenEndpoint, 'oauth2(): tokenEndpoint', rules);
  if (revocationEndpoint !== undefined) urlOption(revocationEndpoint, 'oauth2(): revocationEndpoint', rules);
  requireOption(typeof clientId == 'string' && clientId, 'oauth2(): clientId is required.');

  const post = (url: string, form: Record<string, string>, signal?: AbortSignal): Promise<ProviderAnswer> =>
    send(
      fetch,
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: `${new URLSearchParams({ client_id: clientId, ...form })}`,
        // A 307 would carry the tokens in the body on to wherever it points: not followed.
        redirect: 'manual',
      },
      signal,
    );

  async function requestTokens(form: Record<string, string>, call?: ProviderCallOptions): Promise<OAuthTokenResponse> {
    const answer = await post(tokenEndpoint, form, call?.signal);
    const { data: body, status } = answer;
    const secrets = [form['refresh_token'], form['code'], form['code_verifier']];
    if (!answer.ok) throw errorFromAnswer(answer, { what: 'The token request', secrets, codeOf });
    if (typeof body['access_token'] != 'string') {
      throw new TokenVaultError('invalid_response', 'The token request got no access_token.', { status });
    }
    return body as unknown as OAuthTokenResponse;
  }

  return {
    options,
    requestTokens,
    ...(dpop && { dpop, attach: (attached: ProviderContext) => void (context = attached) }),
    refresh(refresh_token, call) {
      return requestTokens({ grant_type: 'refresh_token', refresh_token, ...(scope === undefined ? {} : { scope }) }, call);
    },
    async revoke(token, call) {
      if (revocationEndpoint === undefined) return;
      const answer = await post(revocationEndpoint, { token, token_type_hint: 'refresh_token' }, call?.signal);
      // RFC 7009 §2.2: 200 also for tokens that were already invalid.
      if (answer.status != 200) throw errorFromAnswer(answer, { what: 'The revocation request', secrets: [token], codeOf });
    },
  };
}
