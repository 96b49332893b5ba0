import { TokenVaultError } from '../errors.js';
import { errorFromAnswer, send } from './http.js';
import { urlOption } from './options.js';
import type { FetchLike } from './types.js';

/** The endpoints an SPA needs from an OpenID provider's discovery document. */
export interface ProviderMetadata {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  endSessionEndpoint?: string;
  jwksUri?: string;
}

/** Options of `discover()`. */
export interface DiscoverOptions {
  /** A fetch to use instead of the global one. */
  fetch?: FetchLike | undefined;
  signal?: AbortSignal | undefined;
  /** Allows a plain http: issuer and endpoints on hosts other than this machine: tokens then cross the network unencrypted. For development networks only. */
  dangerouslyAllowInsecureHttp?: boolean | undefined;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** Reads `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0) and returns the endpoints. */
export async function discover(issuer: string, options: DiscoverOptions = {}): Promise<ProviderMetadata> {
  const insecureHttp = options.dangerouslyAllowInsecureHttp;
  urlOption(issuer, 'discover(): issuer', { insecureHttp });
  const url = `${trimSlash(issuer)}/.well-known/openid-configuration`;
  const answer = await send(options.fetch, url, { headers: { Accept: 'application/json' } }, options.signal);
  if (answer.status != 200) throw errorFromAnswer(answer, { what: `Discovery at ${url}` });
  const { data: body } = answer;
  // §4.3: a document that names another issuer may be an impersonation.
  if (typeof body['issuer'] != 'string' || trimSlash(body['issuer']) != trimSlash(issuer)) {
    throw new TokenVaultError('invalid_response', `The discovery document at ${url} is not for issuer ${issuer}.`);
  }
  const metadata: Record<string, string> = { issuer: body['issuer'] };
  for (const [i, name] of ['authorizationEndpoint', 'tokenEndpoint', 'revocationEndpoint', 'endSessionEndpoint', 'jwksUri'].entries()) {
    const field = name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    const value = body[field];
    // The first two are required.
    if (value === undefined && i > 1) continue;
    try {
      // The same rules as for an option: an https: issuer cannot hand out plain http: endpoints elsewhere.
      urlOption(value, field, { insecureHttp });
    } catch (cause) {
      throw new TokenVaultError('invalid_response', `The discovery document is refused: ${(cause as Error).message}`, { cause });
    }
    metadata[name] = value as string;
  }
  return metadata as unknown as ProviderMetadata;
}
