// A provider that signs in by redirect, for the wrapper tests: the authorization server is
// played by the test (it reads the URL the app was sent to), the token endpoint by a function.
import { vi } from 'vitest';
import { createSession, oauth2, type Session } from '../../src/index.js';
import type { SignInSetup } from '../../src/framework/redirect.js';
import { json, tokenResponse } from '../helpers.js';

export const REDIRECT_URI = `${location.origin}/callback`;

export interface SignInFixture {
  session: Session;
  setup: SignInSetup;
  /** The authorization_code exchanges the token endpoint has seen. */
  codeExchanges: URLSearchParams[];
  /** Where `location.assign()` was sent, in order (the assignment itself does nothing). */
  redirects: URL[];
  /** Puts the browser on the callback URL for the last redirect, as the provider would. */
  returnFromProvider(params?: Record<string, string>): void;
}

/** A memory session, a sign-in setup and a token endpoint; `location.assign` is replaced by a recorder. */
export function signInFixture(): SignInFixture {
  const codeExchanges: URLSearchParams[] = [];
  const redirects: URL[] = [];
  vi.spyOn(location, 'assign').mockImplementation((url: string | URL) => void redirects.push(new URL(url)));
  const provider = oauth2({
    tokenEndpoint: 'https://id.example.com/token',
    clientId: 'spa',
    fetch: async (_url, init) => {
      const form = new URLSearchParams(String(init?.body));
      if (form.get('grant_type') === 'authorization_code') codeExchanges.push(form);
      return json(200, tokenResponse({ sub: 'ada' }));
    },
  });
  const setup: SignInSetup = {
    provider,
    authorizationEndpoint: 'https://id.example.com/authorize',
    redirectUri: REDIRECT_URI,
    scope: 'openid profile',
    nonce: false,
  };
  return {
    session: createSession({ name: `t${Math.random()}`, persist: 'memory', provider }),
    setup,
    codeExchanges,
    redirects,
    returnFromProvider(params) {
      const state = redirects.at(-1)?.searchParams.get('state') ?? 'none';
      const query = new URLSearchParams(params ?? { code: 'code-1', state });
      history.replaceState(null, '', `${REDIRECT_URI}?${query}`);
    },
  };
}
