import { afterEach, expect, it } from 'vitest';
import type { Session } from '../../src/index.js';
import { fakeApi, signedInSession } from './support.js';

const sessions: Session[] = [];
afterEach(() => sessions.splice(0).forEach((session) => session.dispose()));

it('in a page, the page’s own origin is allowed by default: relative URLs get the token', async () => {
  const api = fakeApi();
  const { session, accessToken } = await signedInSession(api, { origins: [] });
  sessions.push(session);
  await session.fetch('/api/orders');
  await session.fetch(`${location.origin}/api/me`);
  await session.fetch('https://api.example.com/x');
  const sent = api.calls.map(({ request }) => [request.url, request.headers.get('authorization')]);
  expect(sent).toEqual([
    [`${location.origin}/api/orders`, `Bearer ${accessToken}`],
    [`${location.origin}/api/me`, `Bearer ${accessToken}`],
    ['https://api.example.com/x', null],
  ]);
});
