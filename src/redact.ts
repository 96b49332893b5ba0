// Providers have been seen echoing what they were sent, whole or in part (the first 32 or the
// last 30 characters of a refresh token), in their error texts. Anything of theirs that reaches
// a message goes through here first, with every token the caller holds.

/** The shortest run of a token's characters that counts as a piece of it. */
export const MIN_TOKEN_RUN = 16;
const REDACTED = '[redacted]';
/** The multiplier of the rolling hash (FNV's prime; any odd number with mixed bits will do). */
const BASE = 0x01000193;

/**
 * `text` with every run of 16 or more characters of any of `tokens` replaced by `[redacted]`.
 * Internal: providers pass the tokens they were given, the session every token it holds.
 */
export function redactTokens(text: string, tokens: Iterable<string | undefined>): string {
  const covered = new Uint8Array(text.length);
  // A shorter token is no secret worth the name, and its pieces would match ordinary words.
  const long = [...tokens].filter((token): token is string => (token?.length ?? 0) >= MIN_TOKEN_RUN);
  if (long.length && text.length >= MIN_TOKEN_RUN) coverRuns(text, long, covered);

  let result = '';
  for (let start = 0; start < text.length; ) {
    const end = covered.indexOf(covered[start]! ? 0 : 1, start);
    const stop = end < 0 ? text.length : end;
    result += covered[start] ? REDACTED : text.slice(start, stop);
    start = stop;
  }
  return result;
}

/**
 * Marks in `covered` every window of MIN_TOKEN_RUN characters of `text` that occurs in one of
 * `tokens`; a longer run is a chain of such windows. Rabin–Karp: the windows of the (short) text
 * are hashed once, then one hash rolls along each token and strings are compared only where the
 * hashes meet, so the cost grows with the tokens' length (they may be megabytes), not its square.
 */
function coverRuns(text: string, tokens: readonly string[], covered: Uint8Array): void {
  const starts = new Map<number, number[]>();
  rollHashes(text, (hash, start) => {
    const list = starts.get(hash);
    if (list) list.push(start);
    else starts.set(hash, [start]);
  });
  for (const token of tokens) {
    rollHashes(token, (hash, start) => {
      for (const at of starts.get(hash) ?? []) {
        if (text.startsWith(token.slice(start, start + MIN_TOKEN_RUN), at)) covered.fill(1, at, at + MIN_TOKEN_RUN);
      }
    });
  }
}

/** Calls `visit(hash, start)` for every window of MIN_TOKEN_RUN UTF-16 units of `value`, in order. */
function rollHashes(value: string, visit: (hash: number, start: number) => void): void {
  // BASE ** (MIN_TOKEN_RUN - 1) in 32-bit arithmetic: the weight of the unit that leaves the window.
  let leaving = 1;
  for (let i = 1; i < MIN_TOKEN_RUN; i++) leaving = Math.imul(leaving, BASE);
  let hash = 0;
  for (let end = 0; end < value.length; end++) {
    if (end >= MIN_TOKEN_RUN) hash = (hash - Math.imul(value.charCodeAt(end - MIN_TOKEN_RUN), leaving)) | 0;
    hash = (Math.imul(hash, BASE) + value.charCodeAt(end)) | 0;
    if (end >= MIN_TOKEN_RUN - 1) visit(hash, end - MIN_TOKEN_RUN + 1);
  }
}
