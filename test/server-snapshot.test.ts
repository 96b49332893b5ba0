import { afterEach, describe, expect, it } from 'vitest';
import { createSession, oauth2, type Session } from '../src/index.js';
import { fakeEndpoint, tokenResponse } from './helpers.js';

let session: Session | undefined;
afterEach(() => session?.dispose());

describe('getServerSnapshot()', () => {
  it('is one frozen loading snapshot, whatever the session holds', async () => {
    session = createSession({ provider: oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', fetch: fakeEndpoint().fetch }) });
    const server = session.getServerSnapshot();
    expect(server).toEqual({ status: 'loading' });
    expect(Object.isFrozen(server)).toBe(true);
    await session.ready;
    await session.setTokens(tokenResponse());
    expect(session.getSnapshot().status).toBe('signedIn');
    expect(session.getServerSnapshot()).toBe(server);
  });
});
