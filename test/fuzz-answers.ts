// Hostile answers of a token endpoint (OAuth 2.0 or Cognito's user-pool API) for test/fuzz.test.ts,
// each with the one thing the test needs to know: whether it is the provider's final word on the
// refresh token (RFC 6749 §5.2: a 400, or 401, with error=invalid_grant; Cognito: its refresh-token
// exceptions on a 400). Nothing else may end a session.
import { TokenVaultError } from '../src/errors.js';
import type { Draw, Sample } from './fuzz-inputs.js';
import { jwt } from './helpers.js';

export type Dialect = 'oauth2' | 'cognito';

/** What the fetch does with a request. */
export type Behaviour =
  | { kind: 'answer'; respond: () => unknown }
  | { kind: 'throw'; thrown: unknown }
  | { kind: 'hang' };

export interface HostileAnswer {
  behaviour: Behaviour;
  /** The provider's final word on the refresh token: the one answer that ends the session. */
  terminal: boolean;
}

const STATUSES = [200, 201, 204, 206, 301, 302, 303, 307, 308, 400, 400, 400, 401, 401, 403, 404, 405, 409, 418, 422, 429, 500, 501, 502, 503, 504, 599];
const NULL_BODY = new Set([204, 205, 304]);
const COGNITO_ENDS = /^(NotAuthorized|RefreshTokenReuse|UserNotFound)Exception$/;

/** Provider text that echoes the refresh token: whole, its first 32 or last 30 characters, a run from the middle, or a JWT we never held. */
function echo(draw: Draw, refreshToken: string, planted: string): string {
  const piece = draw.pick([
    refreshToken,
    refreshToken.slice(0, 32),
    refreshToken.slice(-30),
    refreshToken.slice(5, 5 + 16 + draw.int(10)),
    `${refreshToken.slice(0, 20)}\u0000${refreshToken.slice(20)}`,
    planted,
    'no token here',
  ]);
  return draw.pick([
    () => piece,
    () => `refresh token ${piece}... is malformed`,
    () => `${draw.word(3000)} ${piece}`,
    () => `\u202e${piece}\n\t${piece}`,
    () => `ünïcødé ${piece} 🙂`,
  ])();
}

/** A JSON body: an error object of either dialect, a token response (good or bad), or JSON of the wrong shape. */
function jsonBody(draw: Draw, refreshToken: string, planted: string): unknown {
  const text = (): string => echo(draw, refreshToken, planted);
  const now = Math.floor(Date.now() / 1000);
  return draw.pick<() => unknown>([
    () => ({ error: draw.pick<unknown>(['invalid_grant', 'invalid_grant', 'invalid_request', 'invalid_client', 'server_error', 'temporarily_unavailable', 'slow_down', 'INVALID_GRANT', 'invalid_grant ', ['invalid_grant'], 42, null]), error_description: text() }),
    () => ({ error: text(), error_description: draw.pick<unknown>([text(), { nested: text() }, 7]) }),
    () => ({ __type: draw.pick<unknown>(['NotAuthorizedException', 'com.amazonaws.cognito#NotAuthorizedException', 'RefreshTokenReuseException', 'UserNotFoundException', 'TooManyRequestsException', 'InternalErrorException', 'InvalidParameterException', 'NotAuthorizedException ', 42]), message: text() }),
    () => ({ ChallengeName: text(), Session: planted }),
    () => ({ access_token: draw.pick<unknown>([jwt({ sub: 'u', iat: now, exp: now + 36_000 }), refreshToken, 42, '', planted]), expires_in: draw.pick<unknown>([36_000, -1, 'x', 1e306, undefined]), refresh_token: draw.pick<unknown>([undefined, `rt-new-${draw.word(40)}`, refreshToken, '']) }),
    () => ({ AuthenticationResult: { AccessToken: draw.pick<unknown>([jwt({ sub: 'u', token_use: 'access', iat: now, exp: now + 36_000 }), jwt({ sub: 'u', token_use: 'id', exp: now + 60 }), 42]), ExpiresIn: draw.pick<unknown>([36_000, -5, '36000', undefined]) } }),
    () => draw.pick<unknown>([null, 0, 'invalid_grant', [{ error: 'invalid_grant' }], true]),
  ])();
}

/** The bytes of a body: JSON, or text that is not JSON (empty, HTML, cut short, huge, deeply nested). */
function bodyText(draw: Draw, refreshToken: string, planted: string): string {
  if (draw.chance(0.75)) return JSON.stringify(jsonBody(draw, refreshToken, planted));
  return draw.pick<() => string>([
    () => '',
    () => '<html><body>502 Bad Gateway</body></html>',
    () => '{"error":"invalid_grant"',
    () => `\ufeff{"error":"invalid_grant"}`,
    () => `${'['.repeat(5000)}${']'.repeat(5000)}`,
    () => JSON.stringify({ error: 'invalid_request', error_description: 'x'.repeat(draw.chance(0.1) ? 1_000_000 : 100_000) }),
    () => echo(draw, refreshToken, planted),
  ])();
}

/** Headers a hostile server sends: Retry-After garbage, odd content types, Cognito's error-type header. */
function headersFor(draw: Draw): Record<string, string> {
  const headers: Record<string, string> = {};
  if (draw.chance(0.5)) headers['retry-after'] = draw.pick(['0', '5', '-1', '1e9', 'abc', '9'.repeat(40), 'Wed, 21 Oct 2015 07:28:00 GMT', ' 7 ', '999999999']);
  if (draw.chance(0.5)) headers['content-type'] = draw.pick(['application/json', 'text/html', 'application/x-amz-json-1.1', 'nonsense/?']);
  if (draw.chance(0.2)) headers['x-amzn-errortype'] = draw.pick(['NotAuthorizedException:http://internal.amazon.com/', 'TooManyRequestsException', 'RefreshTokenReuseException']);
  if (draw.chance(0.2)) headers['location'] = draw.pick(['http://evil.example/token', '/token', 'javascript:alert(1)']);
  return headers;
}

/** Whether a status and body are the provider's final word on the refresh token, in `dialect`. */
function ends(dialect: Dialect, status: unknown, text: string, headers: Record<string, string>): boolean {
  let data: Record<string, unknown> = {};
  try {
    // Response.text() decodes UTF-8 and drops a byte-order mark, so the provider sees none either.
    data = Object(JSON.parse(text.replace(/^\ufeff/, ''))) as Record<string, unknown>;
  } catch {
    // Not JSON: no error name.
  }
  if (dialect === 'oauth2') return (status === 400 || status === 401) && data['error'] === 'invalid_grant';
  const type = typeof data['__type'] == 'string' ? data['__type'] : headers['x-amzn-errortype']?.split(':')[0];
  return status === 400 && COGNITO_ENDS.test(type?.split('#').pop() ?? '');
}

/** Something only a fetch can do: throw, never settle, or hand back a broken Response-like object. */
function misbehaviour(draw: Draw, dialect: Dialect, planted: string): HostileAnswer {
  const finalWord = dialect === 'oauth2' ? '{"error":"invalid_grant"}' : '{"__type":"NotAuthorizedException"}';
  return draw.pick<() => HostileAnswer>([
    () => ({ behaviour: { kind: 'throw', thrown: new TypeError('Failed to fetch') }, terminal: false }),
    // Thrown by the fetch, so no answer at all, whatever it says.
    () => ({ behaviour: { kind: 'throw', thrown: new TokenVaultError('invalid_grant', planted) }, terminal: false }),
    () => ({ behaviour: { kind: 'throw', thrown: planted }, terminal: false }),
    () => ({ behaviour: { kind: 'throw', thrown: undefined }, terminal: false }),
    () => ({ behaviour: { kind: 'hang' }, terminal: false }),
    () => ({ behaviour: { kind: 'answer', respond: () => ({ status: '400', headers: {}, text: async () => finalWord }) }, terminal: false }),
    () => ({ behaviour: { kind: 'answer', respond: () => ({ status: 400, headers: {}, text: async () => { throw new Error(planted); } }) }, terminal: false }),
    () => ({ behaviour: { kind: 'answer', respond: () => ({ status: 503, headers: 7, text: async () => finalWord }) }, terminal: false }),
    // Response-like, and still the final word: status, headers and body are all there is to it.
    () => ({ behaviour: { kind: 'answer', respond: () => ({ status: 400, headers: {}, text: async () => finalWord }) }, terminal: true }),
    () => ({ behaviour: { kind: 'answer', respond: () => ({ status: Number.NaN, headers: {}, text: async () => finalWord }) }, terminal: false }),
    () => ({
      behaviour: { kind: 'answer', respond: () => new Response(new ReadableStream({ pull: (stream) => stream.error(new Error(planted)) }), { status: 400 }) },
      terminal: false,
    }),
  ])();
}

/** A hostile answer to a refresh with `refreshToken`; its tokens are the ones no error message may repeat a piece of. */
export function hostileAnswer(draw: Draw, dialect: Dialect, refreshToken: string): Sample<HostileAnswer> {
  const planted = jwt({ sub: 'someone-else', note: draw.word(30) });
  const tokens = [refreshToken, planted];
  if (draw.chance(0.08)) return { value: misbehaviour(draw, dialect, planted), tokens };
  const status = draw.pick(STATUSES);
  const text = NULL_BODY.has(status) ? '' : bodyText(draw, refreshToken, planted);
  const headers = headersFor(draw);
  const respond = (): Response => new Response(NULL_BODY.has(status) ? null : text, { status, headers });
  return { value: { behaviour: { kind: 'answer', respond }, terminal: ends(dialect, status, text, headers) }, tokens };
}
