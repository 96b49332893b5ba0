import { vi } from 'vitest';
import { createSession } from '../../src/index.js';
import type { Provider, Session, SessionOptions } from '../../src/index.js';
import { tokenResponse } from '../helpers.js';

/** An API in a function: answers 200 to a request whose `Authorization` carries a live token, else 401 `invalid_token`. */
export function fakeApi() {
  const api = {
    /** Access tokens the API accepts. */
    live: new Set<string>(),
    /** What each call received: the Request for allowed origins, the raw arguments otherwise. */
    calls: [] as Array<{ input: RequestInfo | URL; init: RequestInit | undefined; request: Request }>,
    fetch: vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init);
      api.calls.push({ input, init, request });
      const token = request.headers.get('authorization')?.replace(/^(Bearer|DPoP) /, '');
      if (token !== undefined && api.live.has(token)) return new Response('ok');
      return new Response('no', { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"' } });
    }),
  };
  return api;
}

/** A provider whose refreshes hand out fresh tokens, which `onToken` learns of (to make them live at the API). */
export function fakeProvider(onToken: (accessToken: string) => void, tokenType = 'Bearer') {
  return {
    refresh: vi.fn(async () => {
      const response = { ...tokenResponse(), token_type: tokenType };
      onToken(response.access_token);
      return response;
    }),
  } satisfies Provider;
}

/** A signed-in session in memory that sends through `api`, allowing `https://api.example.com`. */
export async function signedInSession(
  api: ReturnType<typeof fakeApi>,
  options: Omit<Partial<SessionOptions>, 'provider'> & { tokenType?: string; provider?: ReturnType<typeof fakeProvider> } = {},
): Promise<{ session: Session; provider: ReturnType<typeof fakeProvider>; accessToken: string }> {
  const { tokenType = 'Bearer', ...rest } = options;
  const provider = rest.provider ?? fakeProvider((token) => api.live.add(token), tokenType);
  const session = createSession({
    persist: 'memory',
    origins: ['https://api.example.com'],
    ...rest,
    provider,
    ports: { fetch: api.fetch, ...rest.ports },
  });
  const first = { ...tokenResponse(), token_type: tokenType };
  await session.setTokens(first);
  api.live.add(first.access_token);
  return { session, provider, accessToken: first.access_token };
}
