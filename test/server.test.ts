// @vitest-environment node
// Outside a browser (server rendering, Node tests): no channel, no listener, no timer, no handle,
// and no tokens crossing between sessions of one process.
import { afterEach, describe, expect, it } from 'vitest';
import { createSession, oauth2, type Session } from '../src/index.js';
import { fakeEndpoint, tokenResponse } from './helpers.js';

const sessions: Session[] = [];
afterEach(() => sessions.splice(0).forEach((session) => session.dispose()));

function serverSession(persist?: 'memory' | 'indexeddb'): Session {
  const endpoint = fakeEndpoint();
  const session = createSession({
    name: 'app',
    ...(persist && { persist }),
    provider: oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', fetch: endpoint.fetch }),
  });
  sessions.push(session);
  return session;
}

/** What keeps a Node process alive: timers, message ports, sockets (our own test runner's aside). */
const handles = (): string[] => process.getActiveResourcesInfo().filter((type) => type !== 'TTYWrap' && type !== 'PipeWrap');

describe('outside a browser', () => {
  it('a session that is never disposed keeps no handle that would keep the process alive', async () => {
    expect(typeof window).toBe('undefined');
    const before = handles();
    const session = serverSession();
    await session.ready;
    await session.setTokens(tokenResponse({ lifetime: 600 }));
    await session.getAccessToken();
    await session.refresh();
    expect(session.getSnapshot().status).toBe('signedIn');
    expect(handles()).toEqual(before);
  });

  it('two memory sessions of one name in one process never share tokens, though Node has a global BroadcastChannel', async () => {
    expect(typeof BroadcastChannel).toBe('function');
    const [a, b] = [serverSession('memory'), serverSession('memory')];
    await Promise.all([a.ready, b.ready]);
    await a.setTokens(tokenResponse({ sub: 'request-1' }));
    const c = serverSession('memory');
    await c.ready;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(b.getSnapshot().status).toBe('signedOut');
    expect(c.getSnapshot().status).toBe('signedOut');
  });

  it('the server snapshot is loading, and the same object every time', () => {
    const session = serverSession();
    expect(session.getServerSnapshot()).toEqual({ status: 'loading' });
    expect(session.getServerSnapshot()).toBe(session.getServerSnapshot());
  });
});
