import { afterEach, describe, expect, it, vi } from 'vitest';
import { cognito, createSession, endSessionUrl, oauth2, signOutAtProvider, type Session } from '../../src/index.js';
import { failure, tokenResponse } from '../helpers.js';

const provider = oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa' });
const managed = cognito({ clientId: 'abc123', domain: 'auth.example.com' });
const query = (url: string) => Object.fromEntries(new URL(url).searchParams);

describe('endSessionUrl', () => {
  it('OpenID Connect: end_session_endpoint with client_id, id_token_hint, post_logout_redirect_uri and state', () => {
    const url = endSessionUrl(provider, {
      endSessionEndpoint: 'https://id.example.com/session/end?tenant=1',
      postLogoutRedirectUri: 'https://app.example.com/',
      idTokenHint: 'id.token.here',
      state: 's-1',
    });
    expect(url.startsWith('https://id.example.com/session/end?')).toBe(true);
    expect(query(url)).toEqual({
      tenant: '1',
      client_id: 'spa',
      id_token_hint: 'id.token.here',
      post_logout_redirect_uri: 'https://app.example.com/',
      state: 's-1',
    });
  });

  it('leaves out what it was not given, and extraParams cannot replace its own', () => {
    const url = endSessionUrl({ clientId: 'c' }, { endSessionEndpoint: 'http://127.0.0.1:4000/end', extraParams: { client_id: 'evil', ui_locales: 'de' } });
    expect(query(url)).toEqual({ ui_locales: 'de', client_id: 'c' });
  });

  it('Cognito managed login: https://{domain}/logout with client_id and logout_uri', () => {
    const url = endSessionUrl(managed, { postLogoutRedirectUri: 'https://app.example.com/signed-out', idTokenHint: 'x', state: 'y' });
    expect(url).toBe(`https://auth.example.com/logout?client_id=abc123&logout_uri=${encodeURIComponent('https://app.example.com/signed-out')}`);
    expect(managed.managedLogin!.logoutEndpoint).toBe('https://auth.example.com/logout');
  });

  it.each([
    ['no endpoint', provider, {}],
    ['a plain http: endpoint elsewhere', provider, { endSessionEndpoint: 'http://id.example.com/end' }],
    ['an endpoint that is no URL', provider, { endSessionEndpoint: '/end' }],
    ['a plain http: redirect elsewhere', provider, { endSessionEndpoint: 'https://id.example.com/end', postLogoutRedirectUri: 'http://app.example.com/' }],
    ['Cognito without a domain', cognito({ clientId: 'c', region: 'eu-west-1' }), { postLogoutRedirectUri: 'https://app.example.com/' }],
    ['Cognito without a sign-out URL', managed, {}],
  ])('refuses %s with invalid_config', (_, client, options) => {
    expect(() => endSessionUrl(client, options)).toThrow(expect.objectContaining({ name: 'TokenVaultError', code: 'invalid_config' }));
  });

  it('dangerouslyAllowInsecureHttp lets plain http: elsewhere pass', () => {
    const url = endSessionUrl(provider, { endSessionEndpoint: 'http://id.lan/end', postLogoutRedirectUri: 'http://app.lan/', dangerouslyAllowInsecureHttp: true });
    expect(url.startsWith('http://id.lan/end?')).toBe(true);
  });
});

describe('signOutAtProvider', () => {
  let session: Session;
  afterEach(() => session?.dispose());

  async function signedIn(revoke = vi.fn(async (_refreshToken: string) => undefined)) {
    session = createSession({ persist: 'memory', provider: { refresh: async () => tokenResponse(), revoke } });
    const tokens = tokenResponse();
    await session.setTokens(tokens);
    return { tokens, revoke };
  }

  it('signs out here first, then goes to the provider with the ID token it had', async () => {
    const { tokens, revoke } = await signedIn();
    const statusAtRedirect: string[] = [];
    const assign = vi.spyOn(location, 'assign').mockImplementation(() => void statusAtRedirect.push(session.getSnapshot().status));
    await signOutAtProvider(session, provider, { endSessionEndpoint: 'https://id.example.com/end', postLogoutRedirectUri: 'https://app.example.com/' });
    expect(statusAtRedirect).toEqual(['signedOut']);
    expect(assign).toHaveBeenCalledTimes(1);
    expect(query(assign.mock.calls[0]![0] as string)).toMatchObject({ id_token_hint: tokens.id_token, client_id: 'spa' });
    expect(revoke).not.toHaveBeenCalled();
  });

  it('with revoke: true, revokes the refresh token too', async () => {
    const { tokens, revoke } = await signedIn();
    vi.spyOn(location, 'assign').mockImplementation(() => undefined);
    await signOutAtProvider(session, provider, { endSessionEndpoint: 'https://id.example.com/end', revoke: true });
    expect(revoke.mock.calls[0]?.[0]).toBe(tokens.refresh_token);
  });

  it('bad options: invalid_config, and the session is kept', async () => {
    await signedIn();
    const assign = vi.spyOn(location, 'assign').mockImplementation(() => undefined);
    const error = await failure(signOutAtProvider(session, provider, { endSessionEndpoint: 'http://id.example.com/end' }));
    expect(error.code).toBe('invalid_config');
    expect(session.getSnapshot().status).toBe('signedIn');
    expect(assign).not.toHaveBeenCalled();
  });

  it('signed out already: still ends the provider login (no id_token_hint)', async () => {
    await signedIn();
    await session.signOut();
    const assign = vi.spyOn(location, 'assign').mockImplementation(() => undefined);
    await signOutAtProvider(session, provider, { endSessionEndpoint: 'https://id.example.com/end' });
    expect(query(assign.mock.calls[0]![0] as string)).toEqual({ client_id: 'spa' });
  });
});
