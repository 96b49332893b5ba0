import { TokenVaultError } from '../errors.js';
import { definedOnly } from '../tokens.js';
import { codeForStatus, fetchOf, send } from './http.js';
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
  fetch?: FetchLike;
  signal?: AbortSignal;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

function endpoint(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^https?:\/\//.test(value)) {
    throw new TokenVaultError('invalid_response', `The discovery document's ${field} is not a URL.`);
  }
  return value;
}

/** Reads `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0) and returns the endpoints. */
export async function discover(issuer: string, options: DiscoverOptions = {}): Promise<ProviderMetadata> {
  const url = `${trimSlash(issuer)}/.well-known/openid-configuration`;
  const answer = await send(fetchOf(options.fetch)(), url, { method: 'GET', headers: { Accept: 'application/json' } }, options.signal);
  if (answer.status !== 200) {
    throw new TokenVaultError(codeForStatus(answer.status), `Discovery at ${url} failed with HTTP ${answer.status}.`, {
      status: answer.status,
    });
  }
  const body = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as Record<string, unknown>;
  // §4.3: a document that names another issuer may be an impersonation.
  if (typeof body['issuer'] !== 'string' || trimSlash(body['issuer']) !== trimSlash(issuer)) {
    throw new TokenVaultError('invalid_response', `The discovery document at ${url} is not for issuer ${issuer}.`);
  }
  const authorizationEndpoint = endpoint(body, 'authorization_endpoint');
  const tokenEndpoint = endpoint(body, 'token_endpoint');
  if (authorizationEndpoint === undefined || tokenEndpoint === undefined) {
    throw new TokenVaultError('invalid_response', 'The discovery document lacks the authorization or token endpoint.');
  }
  return definedOnly({
    issuer: body['issuer'],
    authorizationEndpoint,
    tokenEndpoint,
    revocationEndpoint: endpoint(body, 'revocation_endpoint'),
    endSessionEndpoint: endpoint(body, 'end_session_endpoint'),
    jwksUri: endpoint(body, 'jwks_uri'),
  });
}
