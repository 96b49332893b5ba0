import { TokenVaultError, type ErrorCode } from '../errors.js';
import type { FetchLike } from './types.js';

/** How long a provider request may take before it counts as a network failure. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** A provider's answer: what the Response said, with its JSON body read as `data` (`{}` when it sent none or no JSON). */
export interface ProviderAnswer {
  ok: boolean;
  status: number;
  headers: Headers;
  data: Record<string, unknown>;
}

/** Throws `invalid_config` with `message` unless `ok`. */
export function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new TokenVaultError('invalid_config', message);
}

/** Parses option `name` as an absolute http(s) URL (any scheme with `anyScheme`), else throws `invalid_config`. */
export function urlOption(value: unknown, name: string, anyScheme?: boolean): URL {
  try {
    const url = new URL(value as string);
    if (anyScheme || /^https?:$/.test(url.protocol)) return url;
  } catch {
    // Not a URL at all: the same answer.
  }
  throw new TokenVaultError('invalid_config', `${name} must be an absolute ${anyScheme ? '' : 'http(s) '}URL.`);
}

/**
 * Sends one request and reads a JSON body if there is one. Anything that keeps
 * an answer from arriving (offline, CORS, DNS, timeout) becomes `network`;
 * an abort by the caller becomes `aborted`. Without `fetchImpl`, the global
 * fetch of the moment is used (so tests and polyfills can swap it).
 */
export async function send(fetchImpl: FetchLike | undefined, url: string, init: RequestInit, signal?: AbortSignal): Promise<ProviderAnswer> {
  const fetchNow = fetchImpl ?? globalThis.fetch;
  check(fetchNow, 'No global fetch(); pass one to the provider.');
  const timeout = new AbortController();
  const abort = (): void => timeout.abort();
  const timer = setTimeout(abort, REQUEST_TIMEOUT_MS);
  signal?.addEventListener('abort', abort);
  try {
    const response = await fetchNow(url, { ...init, signal: timeout.signal, credentials: 'omit', cache: 'no-store' });
    const text = await response.text();
    let data = {};
    try {
      data = Object(JSON.parse(text));
    } catch {
      // Not JSON (or empty): the status alone has to speak.
    }
    return { ok: response.ok, status: response.status, headers: response.headers, data };
  } catch (cause) {
    throw signal?.aborted
      ? new TokenVaultError('aborted', 'The request was abandoned.', { cause })
      : new TokenVaultError('network', `No complete answer from ${new URL(url).origin}.`, { cause });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', abort);
  }
}

/** Keeps a provider's text short and printable; providers have been known to echo input back. */
function clean(value: unknown, secrets: readonly (string | undefined)[], max: number): string | undefined {
  if (typeof value != 'string' || !value) return;
  let text = value;
  for (const secret of secrets) if (secret) text = text.replaceAll(secret, '[redacted]');
  text = text.replace(/[^\x20-\x7e]/g, ' ');
  // A JWT-looking run means the provider echoed a token: never repeat it.
  if (!/[\w-]{20,}\.[\w-]{20,}\./.test(text)) return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A provider's error name and description, cleaned and with `secrets` redacted: `[name, " (name: description)"]`. */
export function told(name: unknown, description?: unknown, secrets: readonly (string | undefined)[] = []): [string | undefined, string] {
  const code = clean(name, secrets, 80);
  const said = [code, clean(description, secrets, 200)].filter(Boolean).join(': ');
  return [code, said && ` (${said})`];
}

/**
 * The error for a refusal: "`what` failed with HTTP 400 (name: description)."
 * The name and description default to OAuth 2.0's `error` and `error_description` (RFC 6749 §5.2).
 * Without a code for the name from `codeOf`, the status decides.
 */
export function refusal(
  answer: ProviderAnswer,
  what: string,
  secrets?: readonly (string | undefined)[],
  codeOf?: (name: string | undefined) => ErrorCode | undefined,
  name = answer.data['error'],
  description = answer.data['error_description'],
): TokenVaultError {
  const { status } = answer;
  const [providerCode, said] = told(name, description, secrets);
  // Retry-After in seconds (RFC 9110 delay-seconds); its HTTP-date form is ignored.
  const retryAfter = answer.headers.get('retry-after');
  return new TokenVaultError(
    codeOf?.(providerCode) ?? (status == 429 ? 'rate_limited' : status > 499 ? 'server_error' : 'provider_error'),
    `${what} failed with HTTP ${status}${said}.`,
    { status, providerCode, retryAfter: /^\d+$/.test(retryAfter!) ? +retryAfter! : undefined },
  );
}
