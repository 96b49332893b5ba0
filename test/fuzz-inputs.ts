// Seeded generators for test/fuzz.test.ts: malformed token responses for setTokens(), and hostile
// answers from a token endpoint. A seeded generator needs no dependency and replays exactly:
// FUZZ_SEED=<n> runs another sequence.
import { jwt } from './helpers.js';

/** A small, fast, seeded PRNG (mulberry32) with the few draws the generators need. */
export class Draw {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** `length` characters of the base64url alphabet. */
  word(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[this.int(64)];
    return text;
  }
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const base64url = (text: string): string => Buffer.from(text).toString('base64url');

/** A generated input and the strings in it that count as tokens: no error message may repeat a piece of one. */
export interface Sample<T> {
  value: T;
  tokens: string[];
}

/** A JWT-shaped token with a planted token in a claim, or claims that are wrong in some way. */
function brokenJwt(draw: Draw, planted: string): string {
  const now = nowSeconds();
  return draw.pick([
    () => 'a.b.c',
    () => `${base64url('{"alg":"none"}')}.${base64url('not json')}.sig`,
    () => `${base64url('{"alg":"none"}')}.${base64url('[1,2]')}.sig`,
    () => jwt({ sub: 'u', exp: now + 60, token_use: planted }),
    () => jwt({ sub: 'u', exp: now + 60, token_use: 'id' }),
    () => jwt({ sub: 'u', exp: now + 60, token_use: { nested: planted } }),
    () => jwt({ sub: 'u', exp: 1e306 }),
    () => jwt({ sub: 'u', exp: -1e306 }),
    () => jwt({ sub: 'u', exp: 0, iat: 1e306 }),
    () => jwt({ sub: 'u', exp: 1e306, iat: 1e306 }),
    () => jwt({ sub: 'u', exp: now - 5 }),
    () => jwt({ sub: 'u', exp: now, iat: now }),
    () => jwt({ sub: 'u', exp: 'tomorrow' }),
    () => jwt({ sub: 'u' }),
  ])();
}

/** A value of the wrong kind for a token field. */
const wrongKind = (draw: Draw, planted: string): unknown =>
  draw.pick<unknown>([null, '', 0, -1, 42, true, false, {}, [], [planted], { token: planted }, Number.NaN]);

/** One thing wrong with a token response (OAuth 2.0 or Cognito shape); every one of them makes it unusable. */
function breakResponse(draw: Draw, response: Record<string, unknown>, cognito: boolean, planted: string): void {
  const name = (oauth: string): string => (cognito ? oauth.replace(/(?:^|_)(\w)/g, (_, c: string) => c.toUpperCase()) : oauth);
  const defect = draw.int(7);
  if (defect === 0) response[name('access_token')] = draw.chance(0.5) ? wrongKind(draw, planted) : undefined;
  else if (defect === 1) {
    response[name('access_token')] = brokenJwt(draw, planted);
    delete response[name('expires_in')];
  } else if (defect === 2) {
    response[name('expires_in')] = draw.pick<unknown>([-1, -0.5, 'abc', '1e400', 'Infinity', '-5', 1e306, {}, [], true, Number.NaN, Infinity]);
  } else if (defect === 3) response[name('id_token')] = draw.chance(0.7) ? brokenJwt(draw, planted) : draw.pick<unknown>([0, 'opaque-id-token', {}]);
  else if (defect === 4) response[name('refresh_token')] = draw.pick<unknown>(['', 0, {}, [], true]);
  else if (defect === 5) response[name('token_type')] = draw.pick<unknown>(['', 0, {}, []]);
  else {
    // The access token of the other shape's name only: Cognito's AccessToken with OAuth's fields, or none at all.
    delete response[name('access_token')];
    if (cognito) response['access_token'] = `${planted}.x`;
  }
}

/** Something that is not a token response object at all. */
function notAResponse(draw: Draw, planted: string): unknown {
  return draw.pick<() => unknown>([
    () => null,
    () => undefined,
    () => 7,
    () => planted,
    () => jwt({ sub: 'u', exp: nowSeconds() + 60 }),
    () => [],
    () => [{ access_token: planted, expires_in: 60 }],
    () => () => planted,
    () => new Date(),
    () => Object.create(null) as object,
    () => new Proxy({}, { has: () => true, get: () => { throw new Error(planted); } }),
    () => ({ get access_token(): string { throw new TypeError(`getter ${planted}`); } }),
    () => JSON.parse(`{"__proto__": {"access_token": "${planted}"}, "expires_in": 60}`) as unknown,
  ])();
}

/** A malformed token response for setTokens(): a valid one of either shape with one to three defects, or no object at all. */
export function malformedResponse(draw: Draw): Sample<unknown> {
  const planted = `planted-${draw.word(40)}`;
  if (draw.chance(0.1)) return { value: notAResponse(draw, planted), tokens: [planted] };
  const cognito = draw.chance(0.3);
  const now = nowSeconds();
  const access = jwt({ sub: 'u', iat: now, exp: now + 3600, ...(cognito ? { token_use: 'access' } : {}), pad: draw.word(draw.chance(0.01) ? 50_000 : 20) });
  const id = jwt({ sub: 'u', iat: now, exp: now + 3600, ...(cognito ? { token_use: 'id' } : {}), n: draw.word(20) });
  const refresh = `rt-${draw.word(40)}`;
  const response: Record<string, unknown> = cognito
    ? { AccessToken: access, IdToken: id, RefreshToken: refresh, ExpiresIn: 3600, TokenType: 'Bearer' }
    : { access_token: access, id_token: id, refresh_token: refresh, expires_in: 3600, token_type: 'Bearer', scope: 'openid' };
  for (let defects = 1 + draw.int(3); defects > 0; defects--) breakResponse(draw, response, cognito, planted);
  const tokens = [planted, ...Object.values(response).filter((value): value is string => typeof value === 'string')];
  return { value: response, tokens };
}
