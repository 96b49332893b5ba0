import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIN_TOKEN_RUN, redactTokens } from '../src/redact.js';

const TOKEN = 'rt-SECRET-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP';

describe('redactTokens', () => {
  it('replaces a whole token, and the first 32 or the last 30 characters of one', () => {
    expect(redactTokens(`refresh token ${TOKEN} is malformed`, [TOKEN])).toBe('refresh token [redacted] is malformed');
    expect(redactTokens(`refresh token ${TOKEN.slice(0, 32)}... is malformed`, [TOKEN])).toBe('refresh token [redacted]... is malformed');
    expect(redactTokens(`token ...${TOKEN.slice(-30)}`, [TOKEN])).toBe('token ...[redacted]');
  });

  it('replaces any run of 16 characters of a token, and leaves 15 alone', () => {
    const run = TOKEN.slice(20, 20 + MIN_TOKEN_RUN);
    expect(redactTokens(`#${run}#`, [TOKEN])).toBe('#[redacted]#');
    expect(redactTokens(`#${run.slice(1)}#`, [TOKEN])).toBe(`#${run.slice(1)}#`);
  });

  it('replaces every piece of every token, and joins overlapping pieces', () => {
    const other = 'another-token-0000000000000000000000';
    const text = `x ${TOKEN.slice(5, 25)} y ${other.slice(3, 30)} z ${TOKEN.slice(40)}${TOKEN.slice(0, 20)}`;
    expect(redactTokens(text, [undefined, TOKEN, '', other])).toBe('x [redacted] y [redacted] z [redacted]');
  });

  it('leaves tokens shorter than 16 characters alone: their pieces would match ordinary words', () => {
    expect(redactTokens('code the-code was used', ['the-code', 'e'])).toBe('code the-code was used');
  });

  it('leaves a text without any piece of the tokens as it was', () => {
    const text = 'invalid_grant: grant request is invalid (0123456789abcde)';
    expect(redactTokens(text, [TOKEN])).toBe(text);
    expect(redactTokens('', [TOKEN])).toBe('');
    expect(redactTokens(text, [])).toBe(text);
  });

  it('finds a piece of a 10 MB token', () => {
    const big = randomBytes(7.5 * 2 ** 20).toString('base64url');
    const piece = big.slice(7_000_000, 7_000_040);
    expect(redactTokens(`said ${piece} and more`, [big])).toBe('said [redacted] and more');
  });
});
