// @vitest-environment node
// A server render: no window, no document, no storage. The session is created at module scope
// as an app would, and the markup is what hydration will see first: `loading`.
import { renderToString } from 'react-dom/server';
import { afterAll, describe, expect, it } from 'vitest';
import { createSession, oauth2 } from '../../src/index.js';
import { RequireSignIn, SessionProvider, SignInCallback, useSession } from '../../src/react/index.js';

const session = createSession({ provider: oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa' }) });
afterAll(() => session.dispose());

function Header() {
  const { status, isLoading, claims } = useSession();
  return <header data-status={status}>{isLoading ? 'Loading…' : `Hello ${claims?.name ?? 'stranger'}`}</header>;
}

describe('renderToString()', () => {
  it('renders the loading state without touching window, even once the session has settled', async () => {
    expect(typeof window).toBe('undefined');
    const app = (
      <SessionProvider session={session}>
        <Header />
        <RequireSignIn fallback={<p>Checking your session…</p>}>
          <p>Secret</p>
        </RequireSignIn>
        <SignInCallback onDone={() => undefined} fallback={<p>Finishing sign-in…</p>} />
      </SessionProvider>
    );
    const before = renderToString(app);
    expect(before).toBe(
      '<header data-status="loading">Loading…</header><p>Checking your session…</p><p>Finishing sign-in…</p>',
    );
    // On the server the session finds no storage and settles signed out; the markup stays the one hydration expects.
    await session.ready;
    expect(session.getSnapshot().status).toBe('signedOut');
    expect(renderToString(app)).toBe(before);
  });
});
