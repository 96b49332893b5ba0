import { TokenVaultError, type ErrorCode } from '../errors.js';
import { redactTokens } from '../redact.js';
import { requireOption } from './options.js';
import type { FetchLike } from './types.js';

/** How long a provider request may take before it counts as a network failure. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** How much of a provider's error text is looked at; the rest is never shown anyway. */
const PROVIDER_TEXT_READ = 4096;

/** A provider's answer: what the Response said, with its JSON body read as `data` (`{}` when it sent none or no JSON). */
export interface ProviderAnswer {
  ok: boolean;
  status: number;
  headers: Headers;
  data: Record<string, unknown>;
}

/** Reads an answer in full: status, headers and the body as JSON if it is JSON. */
async function read(response: Response): Promise<ProviderAnswer> {
  // An injected fetch may hand back anything Response-like, so `ok` is worked out here.
  const status = Number.isInteger(response.status) ? response.status : 0;
  const headers = new Headers(response.headers);
  const text = String(await response.text());
  let data = {};
  try {
    data = Object(JSON.parse(text));
  } catch {
    // Not JSON (or empty): the status alone has to speak.
  }
  return { ok: status > 199 && status < 300, status, headers, data };
}

/**
 * Sends one request and reads a JSON body if there is one. Anything that keeps
 * an answer from arriving (offline, CORS, DNS, 30 s without one) becomes `network`;
 * an abort by the caller becomes `aborted`. Without `fetchImpl`, the global
 * fetch of the moment is used (so tests and polyfills can swap it).
 */
export async function send(fetchImpl: FetchLike | undefined, url: string, init: RequestInit, signal?: AbortSignal): Promise<ProviderAnswer> {
  const fetchNow = fetchImpl ?? globalThis.fetch;
  requireOption(fetchNow, 'No global fetch(); pass one to the provider.');
  const controller = new AbortController();
  let timedOut = false;
  let stop!: (reason: unknown) => void;
  // Signalling is not enough: a fetch (a polyfill, a wrapper, a test double) may ignore its
  // signal and never settle, so the timeout and the caller's abort race the call itself.
  const stopped = new Promise<never>((_, reject) => {
    stop = (reason) => {
      controller.abort(reason);
      reject(reason);
    };
  });
  const onAbort = (): void => stop(signal?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    stop(new DOMException('No answer in time.', 'TimeoutError'));
  }, REQUEST_TIMEOUT_MS);
  signal?.addEventListener('abort', onAbort);
  try {
    if (signal?.aborted) throw signal.reason;
    const answer = (async () => read(await fetchNow(url, { ...init, signal: controller.signal, credentials: 'omit', cache: 'no-store' })))();
    // The loser of the race may still fail later; by then nobody is waiting for it.
    answer.catch(() => undefined);
    return await Promise.race([answer, stopped]);
  } catch (cause) {
    const from = new URL(url).origin;
    throw signal?.aborted
      ? new TokenVaultError('aborted', 'The request was abandoned.', { cause })
      : new TokenVaultError('network', timedOut ? `No answer from ${from} within 30 s.` : `No complete answer from ${from}.`, { cause });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Whether `text` has a run that looks like a JWT: two base64url parts of 20 characters or more
 * and the dot after them (where the text was `cut`, a JWT at its very end may have lost that dot).
 * Split, not one regex: on a long run without dots a regex backtracks in quadratic time.
 */
function looksLikeJwt(text: string, cut: boolean): boolean {
  const runs = text.split(/[^\w.-]+/);
  return runs.some((run, r) => {
    const parts = run.split('.');
    return parts.some(
      (part, i) => part.length >= 20 && (parts[i + 1]?.length ?? 0) >= 20 && (i + 2 < parts.length || (cut && r == runs.length - 1)),
    );
  });
}

/** Keeps a provider's text short and printable, without any piece of `secrets` or anything that looks like a JWT. */
function clean(value: unknown, secrets: readonly (string | undefined)[], max: number): string | undefined {
  if (typeof value != 'string' || !value) return;
  const read = value.slice(0, PROVIDER_TEXT_READ);
  const text = redactTokens(read, secrets).replace(/[^\x20-\x7e]/g, ' ');
  // A JWT-looking run means the provider echoed a token we may not hold: never repeat it.
  if (!looksLikeJwt(text, read.length < value.length)) return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A provider's error name and description, cleaned and with `secrets` redacted: `[name, " (name: description)"]`. */
export function providerWords(name: unknown, description?: unknown, secrets: readonly (string | undefined)[] = []): [string | undefined, string] {
  const code = clean(name, secrets, 80);
  const said = [code, clean(description, secrets, 200)].filter(Boolean).join(': ');
  return [code, said && ` (${said})`];
}

/** What a refused request was, for `errorFromAnswer()`. */
export interface RefusedRequest {
  /** What was attempted, to start the message: "The token request". */
  what: string;
  /** The tokens the request carried: no piece of them is repeated from the provider's text. */
  secrets?: readonly (string | undefined)[];
  /** The provider's error name and description, when given; else OAuth 2.0's `error` and `error_description` (RFC 6749 §5.2). */
  name?: unknown;
  description?: unknown;
  /** What the provider's error name means at a 4xx status when it says more than the status. */
  codeOf?: (name: string | undefined, status: number) => ErrorCode | undefined;
}

/**
 * The error for an answer that is not a success: "`what` failed with HTTP 400 (name: description)."
 * The status class decides first, whatever the body says: 429 is `rate_limited`, 5xx
 * `server_error`, and anything below 400 (a redirect) no token answer at all. Only at a 4xx
 * may the provider's error name refine it, through `codeOf`.
 */
export function errorFromAnswer(answer: ProviderAnswer, request: RefusedRequest): TokenVaultError {
  const { status, data } = answer;
  const [providerCode, said] = providerWords(request.name ?? data['error'], request.description ?? data['error_description'], request.secrets);
  // Retry-After in seconds (RFC 9110 delay-seconds); its HTTP-date form is ignored.
  const retryAfter = Number(/^\d{1,9}$/.exec(answer.headers.get('retry-after') ?? '')?.[0] ?? NaN);
  const code: ErrorCode =
    status == 429
      ? 'rate_limited'
      : status > 499
        ? 'server_error'
        : status < 400
          ? 'invalid_response'
          : (request.codeOf?.(providerCode, status) ?? 'provider_error');
  const message =
    code == 'invalid_response'
      ? `${request.what} got ${status ? `HTTP ${status}` : 'a redirect'}, which is not an answer to it${said}.`
      : `${request.what} failed with HTTP ${status}${said}.`;
  return new TokenVaultError(code, message, {
    status,
    providerCode,
    retryAfter: retryAfter >= 0 ? retryAfter : undefined,
  });
}
