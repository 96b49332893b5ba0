import { TokenVaultError, type ErrorCode } from '../errors.js';
import type { FetchLike } from './types.js';

/** How long a provider request may take before it counts as a network failure. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** The answer of a provider endpoint: status, parsed JSON body (or undefined) and headers. */
export interface ProviderAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

function defaultFetch(): FetchLike {
  if (typeof fetch !== 'function') {
    throw new TokenVaultError('invalid_config', 'No fetch() in this environment; pass one to the provider.');
  }
  return (input, init) => fetch(input, init);
}

/** Parses an absolute URL given as option `option`; anything else is an `invalid_config` error. */
export function parseUrl(value: unknown, option: string): URL {
  try {
    return new URL(value as string);
  } catch (cause) {
    throw new TokenVaultError('invalid_config', `${option} is not an absolute URL.`, { cause });
  }
}

/** Resolves the fetch to use: the one given, else the global one at call time (so tests and polyfills can swap it). */
export function fetchOf(given: FetchLike | undefined): () => FetchLike {
  return () => given ?? defaultFetch();
}

/**
 * Sends one request and reads a JSON body if there is one. Anything that keeps
 * an answer from arriving (offline, CORS, DNS, timeout) becomes `network`;
 * an abort by the caller becomes `aborted`.
 */
export async function send(fetchImpl: FetchLike, url: string, init: RequestInit, signal?: AbortSignal): Promise<ProviderAnswer> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), REQUEST_TIMEOUT_MS);
  const onAbort = (): void => timeout.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, { ...init, signal: timeout.signal, credentials: 'omit', cache: 'no-store' });
      text = await response.text();
    } catch (cause) {
      if (signal?.aborted) throw new TokenVaultError('aborted', 'The request was abandoned.', { cause });
      throw new TokenVaultError('network', `No complete answer from ${new URL(url).origin}.`, { cause });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (or empty): the status alone has to speak.
    }
    return { status: response.status, body, headers: response.headers };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Seconds from a Retry-After header, when it holds a number of seconds. */
export function retryAfterOf(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** The error code an HTTP status implies when the body says nothing more specific. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'provider_error';
}

/**
 * The error for a provider's answer: "`what` failed with HTTP 400 (providerCode: description)."
 * Without a `code` from the body, the status decides.
 */
export function answerError(
  answer: ProviderAnswer,
  what: string,
  code: ErrorCode | undefined,
  providerCode: string | undefined,
  description: string | undefined,
): TokenVaultError {
  const { status } = answer;
  const said = [providerCode, description].filter(Boolean).join(': ');
  return new TokenVaultError(
    code ?? codeForStatus(status),
    `${what} failed with HTTP ${status}${said ? ` (${said})` : ''}.`,
    { status, providerCode, retryAfter: retryAfterOf(answer.headers) },
  );
}

/** Keeps a provider's message short and printable; providers have been known to echo input back. */
export function safeText(value: unknown, secrets: readonly string[] = [], max = 200): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  let clean = value.replace(/[^\x20-\x7e]/g, ' ');
  for (const secret of secrets) if (secret !== '') clean = clean.split(secret).join('[redacted]');
  // A JWT-looking run means the provider echoed a token: never repeat it.
  if (/[\w-]{20,}\.[\w-]{20,}\./.test(clean)) return undefined;
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
