import { TokenVaultError } from '../errors.js';
import type { DpopSigner } from '../providers/types.js';
import { saysInvalidToken } from './challenge.js';

/** The platform `fetch` signature, as `session.fetch` has it and sends with. */
export type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** What the authorized fetch needs from its session. */
export interface FetchContext {
  /** The normalised origins that get the token (see `allowedOrigins`). */
  readonly origins: ReadonlySet<string>;
  /** Sends a request: the session's fetch port, or the global `fetch` of the moment. */
  send: FetchFunction;
  /** A fresh access token and its type (`Bearer`, `DPoP`); rejects when there is none. */
  token(): Promise<{ accessToken: string; tokenType: string }>;
  /** `session.refresh({ unless })`. */
  refresh(unless: string): Promise<void>;
  /** The provider's DPoP signer, when it binds tokens to a key. */
  readonly dpop: DpopSigner | undefined;
}

/** The request's absolute URL, found without constructing a Request (that would use up a Request's body). */
function urlOf(input: RequestInfo | URL): URL {
  const href = typeof input == 'string' || input instanceof URL ? String(input) : input.url;
  // A relative URL outside a page has no base: a TypeError, as fetch itself would throw.
  return new URL(href, globalThis.location?.href);
}

/** A body the platform reads as a stream once: a retry would have nothing to send. */
function isStream(init: RequestInit | undefined): boolean {
  const body: unknown = init?.body;
  return (typeof ReadableStream == 'function' && body instanceof ReadableStream) || (init as { duplex?: string } | undefined)?.duplex == 'half';
}

/**
 * `fetch` that attaches the session's access token to requests for the allowed origins, and on a
 * 401 `invalid_token` refreshes once (unless the token already changed) and retries once.
 * Requests to any other origin go out as given. An `Authorization` the app set itself is kept.
 */
export async function authorizedFetch(context: FetchContext, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  if (!context.origins.has(urlOf(input).origin)) return context.send(input, init);
  const request = new Request(input, init);
  if (request.headers.has('authorization')) return context.send(request);
  request.signal.throwIfAborted();
  // Cloned before the first send, so a retry still has the body.
  const replayable = !isStream(init);
  const attempt = async (): Promise<[Response, string]> => {
    const token = await context.token();
    request.signal.throwIfAborted();
    return [await sendWithToken(context, replayable ? request.clone() : request, token, replayable), token.accessToken];
  };
  const [response, used] = await attempt();
  if (response.status != 401 || !replayable || !saysInvalidToken(response.headers.get('www-authenticate'))) return response;
  // One refresh for all the requests the old token failed: the others find the new token and send nothing.
  await context.refresh(used);
  void response.body?.cancel().catch(() => undefined);
  return (await attempt())[0];
}

/** Sends `request` with `token` (and a DPoP proof when the token is bound), retrying once for a new DPoP nonce. */
async function sendWithToken(
  context: FetchContext,
  request: Request,
  { accessToken, tokenType }: { accessToken: string; tokenType: string },
  replayable: boolean,
): Promise<Response> {
  const dpop = /^dpop$/i.test(tokenType);
  if (!dpop) {
    request.headers.set('Authorization', `Bearer ${accessToken}`);
    return context.send(request);
  }
  const signer = context.dpop;
  if (!signer) throw new TokenVaultError('invalid_config', 'The access token is DPoP-bound, but the provider has no DPoP signer.');
  const send = async (outgoing: Request): Promise<Response> => {
    outgoing.headers.set('Authorization', `DPoP ${accessToken}`);
    outgoing.headers.set('DPoP', await signer.proof(outgoing.method, outgoing.url, accessToken));
    return context.send(outgoing);
  };
  const retry = replayable ? request.clone() : undefined;
  const response = await send(request);
  // Read every answer: it may carry the origin's next nonce.
  if (!signer.retryWithNonce(request.url, response) || !retry) return response;
  void response.body?.cancel().catch(() => undefined);
  const retried = await send(retry);
  // Only for its nonce: there is no second nonce retry.
  signer.retryWithNonce(retry.url, retried);
  return retried;
}
