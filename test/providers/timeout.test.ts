// The 30 s request timeout races the provider's fetch itself: a fetch that ignores its abort
// signal and never settles cannot keep a refresh, or the app, waiting.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSession, oauth2, type FetchLike, type TokenVaultError } from '../../src/index.js';
import { ASK_WINDOW } from '../../src/tabs/tabs.js';
import { advance, record, tokenResponse, useFakeClock } from '../helpers.js';

/** A fetch that never answers and pays no attention to its signal, counting its calls. */
function deafFetch() {
  return vi.fn<FetchLike>(() => new Promise<Response>(() => undefined));
}

const providerWith = (fetch: FetchLike) => oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', fetch });

/** Where a promise stands now: still pending, or how it settled. */
function watch<T>(promise: Promise<T>): { state: 'pending' | 'resolved' | 'rejected'; error?: TokenVaultError } {
  const seen: { state: 'pending' | 'resolved' | 'rejected'; error?: TokenVaultError } = { state: 'pending' };
  promise.then(
    () => (seen.state = 'resolved'),
    (error: TokenVaultError) => Object.assign(seen, { state: 'rejected', error }),
  );
  return seen;
}

beforeEach(() => useFakeClock());
afterEach(() => {
  vi.useRealTimers();
});

describe('the request timeout', () => {
  it('gives up on a deaf fetch after 30 s with network', async () => {
    const call = watch(providerWith(deafFetch()).refresh('rt'));
    await advance(29_000);
    expect(call.state).toBe('pending');
    await advance(1_000);
    expect(call.state).toBe('rejected');
    expect(call.error).toMatchObject({ code: 'network', message: 'No answer from https://id.example.com within 30 s.' });
  });

  it('gives up at once when the caller aborts, even though the fetch does not listen', async () => {
    const controller = new AbortController();
    const call = watch(providerWith(deafFetch()).refresh('rt', { signal: controller.signal }));
    await advance(1_000);
    controller.abort();
    await advance(0);
    expect(call.error?.code).toBe('aborted');
  });

  it('sends nothing when the caller has aborted already', async () => {
    const fetch = deafFetch();
    const controller = new AbortController();
    controller.abort();
    await expect(providerWith(fetch).refresh('rt', { signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('covers reading the body too: a body that never ends is a network failure', async () => {
    const stuck = new Response(new ReadableStream({ start: () => undefined }), { status: 200 });
    const call = watch(providerWith(async () => stuck).refresh('rt'));
    await advance(30_000);
    expect(call.error?.code).toBe('network');
  });

  it('lets a session with a deaf provider go on: getAccessToken() settled and the refresh retried, 35 s later', async () => {
    const fetch = deafFetch();
    const session = createSession({ provider: providerWith(fetch), persist: 'memory' });
    const errors = record(session, 'error');
    await vi.advanceTimersByTimeAsync(ASK_WINDOW);
    await session.setTokens(tokenResponse({ lifetime: 60 }));
    // The refresh starts at 45 s (a quarter of the lifetime left) and hangs; the token expires at 60 s.
    await advance(61_000);
    expect(session.getSnapshot().status).toBe('refreshing');
    const token = watch(session.getAccessToken());
    await advance(35_000);
    expect(token.state).toBe('rejected');
    expect(token.error?.code).toBe('network');
    expect(errors.map(([, { error }]) => error.code)).toContain('network');
    // The first request was given up on, so the retry is a request of its own.
    expect(fetch.mock.calls.length).toBeGreaterThan(1);
    session.dispose();
  });
});
