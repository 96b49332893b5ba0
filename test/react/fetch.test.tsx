import { cleanup, render } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { SessionProvider, useSession } from '../../src/react/index.js';
import { fakeApi, signedInSession } from '../fetch/support.js';

afterEach(cleanup);

it('useSession().fetch is the session’s authorized fetch, usable detached from the hook’s object', async () => {
  const api = fakeApi();
  const { session, accessToken } = await signedInSession(api);
  let state!: ReturnType<typeof useSession>;
  function Orders() {
    state = useSession();
    return null;
  }
  render(<SessionProvider session={session}><Orders /></SessionProvider>);
  const { fetch } = state;
  expect((await fetch('https://api.example.com/orders')).status).toBe(200);
  expect(api.calls[0]!.request.headers.get('authorization')).toBe(`Bearer ${accessToken}`);
  expect(fetch).toBe(session.fetch);
  session.dispose();
});
