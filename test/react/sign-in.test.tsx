import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenVaultError } from '../../src/index.js';
import { RequireSignIn, SessionProvider, SignInCallback, useSession, type ReturnTo } from '../../src/react/index.js';
import { jwt } from '../helpers.js';
import { REDIRECT_URI, signInFixture } from '../framework/sign-in-fixture.js';

const disposers: Array<() => void> = [];
afterEach(() => {
  cleanup();
  for (const dispose of disposers.splice(0)) dispose();
  sessionStorage.clear();
  history.replaceState(null, '', '/');
});

function fixture() {
  const f = signInFixture();
  disposers.push(() => f.session.dispose());
  return f;
}

describe('<SignInCallback>', () => {
  it('under StrictMode exchanges the code once, signs in, strips the URL and calls onDone once', async () => {
    const { session, setup, codeExchanges, returnFromProvider } = fixture();
    await session.ready;
    let state!: ReturnType<typeof useSession>;
    function Grab() {
      state = useSession();
      return null;
    }
    const { unmount } = render(<SessionProvider session={session} signIn={setup}><Grab /></SessionProvider>);
    await act(() => state.signIn({ returnTo: '/orders?page=2' }));
    unmount();
    returnFromProvider();

    const onDone = vi.fn();
    const errors: TokenVaultError[] = [];
    session.on('error', ({ error }) => errors.push(error));
    render(
      <StrictMode>
        <SessionProvider session={session} signIn={setup}>
          <SignInCallback onDone={onDone} fallback={<p>Signing in…</p>} />
        </SessionProvider>
      </StrictMode>,
    );
    expect(screen.getByText('Signing in…')).toBeTruthy();
    await waitFor(() => expect(onDone).toHaveBeenCalled());

    expect(codeExchanges).toHaveLength(1);
    expect(onDone).toHaveBeenCalledTimes(1);
    // The app state went out with the redirect and came back with the callback.
    expect(onDone).toHaveBeenCalledWith({ returnTo: '/orders?page=2' });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(errors).toEqual([]);
    expect(session.getSnapshot().status).toBe('signedIn');
    expect(location.href).toBe(REDIRECT_URI);
  });

  it('a bogus callback renders a typed error (invalid_state) instead of throwing, and leaves no code in the URL', async () => {
    const { session, setup, codeExchanges, returnFromProvider } = fixture();
    returnFromProvider({ code: 'stolen', state: 'never-started' });
    const onDone = vi.fn();
    render(
      <SessionProvider session={session} signIn={setup}>
        <SignInCallback onDone={onDone} renderError={(error) => <p role="alert">{error.code}</p>} />
      </SessionProvider>,
    );
    expect((await screen.findByRole('alert')).textContent).toBe('invalid_state');
    expect(onDone).not.toHaveBeenCalled();
    expect(codeExchanges).toEqual([]);
    expect(location.search).toBe('');
    expect(session.getSnapshot().status).not.toBe('signedIn');
  });

  it('a replayed callback (the same code loaded again) is refused, and exchanges nothing', async () => {
    const { session, setup, codeExchanges, returnFromProvider } = fixture();
    await session.ready;
    let state!: ReturnType<typeof useSession>;
    function Grab() {
      state = useSession();
      return null;
    }
    const app = render(<SessionProvider session={session} signIn={setup}><Grab /></SessionProvider>);
    await act(() => state.signIn());
    app.unmount();
    returnFromProvider();
    const replay = location.href;

    const first = render(<SessionProvider session={session} signIn={setup}><SignInCallback onDone={() => undefined} /></SessionProvider>);
    await waitFor(() => expect(session.getSnapshot().status).toBe('signedIn'));
    first.unmount();

    // The same callback URL loaded again: a new page, so a new session object.
    const reloaded = signInFixture().session;
    disposers.push(() => reloaded.dispose());
    history.replaceState(null, '', replay);
    render(<SessionProvider session={reloaded} signIn={setup}><SignInCallback onDone={() => undefined} /></SessionProvider>);
    // The default error view: the message in an alert, never a token.
    expect((await screen.findByRole('alert')).textContent).toMatch(/not started in this tab|already used/);
    expect(codeExchanges).toHaveLength(1);
    expect(session.getSnapshot().status).toBe('signedIn');
  });

  it('an error= callback from the provider renders authorization_error', async () => {
    const { session, setup, returnFromProvider } = fixture();
    returnFromProvider({ error: 'access_denied', state: 'x' });
    render(
      <SessionProvider session={session} signIn={setup}>
        <SignInCallback onDone={() => undefined} renderError={(error) => <p role="alert">{`${error.code} ${error.providerCode}`}</p>} />
      </SessionProvider>,
    );
    expect((await screen.findByRole('alert')).textContent).toBe('authorization_error access_denied');
  });

  it('without a sign-in setup says invalid_config', async () => {
    const { session, returnFromProvider } = fixture();
    returnFromProvider({ code: 'c', state: 's' });
    render(
      <SessionProvider session={session}>
        <SignInCallback onDone={() => undefined} renderError={(error) => <p role="alert">{error.code}</p>} />
      </SessionProvider>,
    );
    expect((await screen.findByRole('alert')).textContent).toBe('invalid_config');
  });
});

describe('<RequireSignIn>', () => {
  it('signed out: shows the fallback and starts sign-in once (even under StrictMode), carrying the current path', async () => {
    const { session, setup, redirects, returnFromProvider } = fixture();
    await session.ready;
    history.replaceState(null, '', '/orders?page=2#top');
    render(
      <StrictMode>
        <SessionProvider session={session} signIn={setup}>
          <RequireSignIn fallback={<p>Redirecting…</p>}>
            <p>Orders</p>
          </RequireSignIn>
        </SessionProvider>
      </StrictMode>,
    );
    expect(screen.getByText('Redirecting…')).toBeTruthy();
    await waitFor(() => expect(redirects).toHaveLength(1));
    expect(redirects[0]!.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(screen.queryByText('Orders')).toBeNull();
    // Nothing of the app state is in the URL sent to the provider.
    expect(redirects[0]!.href).not.toContain('orders');

    // Back from the provider: the callback hands the page's path back.
    cleanup();
    returnFromProvider();
    const onDone = vi.fn();
    render(<SessionProvider session={session} signIn={setup}><SignInCallback onDone={onDone} /></SessionProvider>);
    await waitFor(() => expect(onDone).toHaveBeenCalledWith({ returnTo: '/orders?page=2#top' }));
  });

  it('signed in: renders the children and starts nothing', async () => {
    const { session, setup, redirects } = fixture();
    await session.ready;
    await session.setTokens({ access_token: jwt({ sub: 'ada', exp: 9e9 }), expires_in: 600 });
    render(
      <SessionProvider session={session} signIn={setup}>
        <RequireSignIn fallback={<p>Redirecting…</p>}>
          <p>Orders</p>
        </RequireSignIn>
      </SessionProvider>,
    );
    expect(screen.getByText('Orders')).toBeTruthy();
    expect(redirects).toEqual([]);
  });

  it('while the session is restored: the fallback, and no sign-in yet', async () => {
    const { session, setup, redirects } = fixture();
    render(
      <SessionProvider session={session} signIn={setup}>
        <RequireSignIn fallback={<p>Loading…</p>}>
          <p>Orders</p>
        </RequireSignIn>
      </SessionProvider>,
    );
    expect(screen.getByText('Loading…')).toBeTruthy();
    expect(redirects).toEqual([]);
    await act(() => session.ready);
  });

  it('provider down: the fallback reads the error from useSession(), offers a retry, and nothing loops', async () => {
    const { session, setup, redirects } = fixture();
    await session.ready;
    let down = true;
    const config = vi.fn(async () => {
      if (down) throw new TokenVaultError('network', 'The provider cannot be reached.');
      return setup;
    });
    function SignInProblem() {
      const { error, signIn } = useSession();
      return error ? <button onClick={() => void signIn({ returnTo: '/orders' })}>{`${error.code}: try again`}</button> : <p>Redirecting…</p>;
    }
    render(
      <SessionProvider session={session} signIn={config}>
        <RequireSignIn fallback={<SignInProblem />}>
          <p>Orders</p>
        </RequireSignIn>
      </SessionProvider>,
    );
    const retry = await screen.findByRole('button');
    expect(retry.textContent).toBe('network: try again');
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(config).toHaveBeenCalledTimes(1);

    down = false;
    await act(async () => retry.click());
    await waitFor(() => expect(redirects).toHaveLength(1));
  });

  it('redirect={false}: only the fallback', async () => {
    const { session, setup, redirects } = fixture();
    await session.ready;
    render(
      <SessionProvider session={session} signIn={setup}>
        <RequireSignIn redirect={false} fallback={<p>Please sign in</p>}>
          <p>Orders</p>
        </RequireSignIn>
      </SessionProvider>,
    );
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(screen.getByText('Please sign in')).toBeTruthy();
    expect(redirects).toEqual([]);
  });
});

// The ReturnTo type is what RequireSignIn sends and SignInCallback hands back by default.
const typed = (props: { onDone(appState: ReturnTo | undefined): void }) => <SignInCallback onDone={props.onDone} />;
void typed;
