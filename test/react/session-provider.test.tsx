import { act, cleanup, render, screen } from '@testing-library/react';
import { StrictMode, useRef } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { createSession, oauth2, TokenVaultError, type SessionSnapshot } from '../../src/index.js';
import { SessionProvider, useSession } from '../../src/react/index.js';
import { jwt } from '../helpers.js';
import { signInFixture } from '../framework/sign-in-fixture.js';

const disposers: Array<() => void> = [];
afterEach(() => {
  cleanup();
  for (const dispose of disposers.splice(0)) dispose();
  sessionStorage.clear();
});

function fixture() {
  const f = signInFixture();
  disposers.push(() => f.session.dispose());
  return f;
}

describe('useSession()', () => {
  it('shows the live snapshot: loading, then signed out, then the claims after sign-in', async () => {
    const { session } = fixture();
    function Who() {
      const { status, claims, isLoading, isSignedIn } = useSession();
      // Standard claims are typed: no cast needed to render them.
      return <p data-testid="who">{`${status} ${String(isLoading)} ${String(isSignedIn)} ${claims?.name ?? '-'}`}</p>;
    }
    render(<SessionProvider session={session}><Who /></SessionProvider>);
    expect(screen.getByTestId('who').textContent).toBe('loading true false -');
    await act(() => session.ready);
    expect(screen.getByTestId('who').textContent).toBe('signedOut false false -');
    await act(() => session.setTokens({ id_token: jwt({ sub: 'ada', name: 'Ada Lovelace' }), access_token: 'opaque', expires_in: 600 }));
    expect(screen.getByTestId('who').textContent).toBe('signedIn false true Ada Lovelace');
  });

  it("types an app's own claims through its type parameter", async () => {
    const session = createSession<{ tenant: string }>({ persist: 'memory', provider: fixture().setup.provider });
    disposers.push(() => session.dispose());
    function Tenant() {
      const { claims } = useSession<{ tenant: string }>();
      return <p data-testid="tenant">{claims?.tenant}</p>;
    }
    render(<SessionProvider session={session}><Tenant /></SessionProvider>);
    await act(async () => {
      await session.ready;
      await session.setTokens({ access_token: jwt({ sub: 'ada', tenant: 'acme', exp: 9e9 }), expires_in: 600 });
    });
    expect(screen.getByTestId('tenant').textContent).toBe('acme');
  });

  it('re-renders once per snapshot change, not once per event, and never for the same snapshot', async () => {
    const { session } = fixture();
    const rendered: SessionSnapshot[] = [];
    function Counter() {
      const state = useSession();
      rendered.push(state.session.getSnapshot());
      return <p>{state.status}</p>;
    }
    let events = 0;
    for (const type of ['signedIn', 'refreshed', 'rotated', 'signedOut', 'error'] as const) session.on(type, () => events++);
    const snapshots = new Set<SessionSnapshot>();
    session.subscribe(() => snapshots.add(session.getSnapshot()));
    render(<SessionProvider session={session}><Counter /></SessionProvider>);
    await act(() => session.ready);
    await act(() => session.setTokens({ access_token: jwt({ sub: 'ada', exp: 9e9 }), refresh_token: 'rt', expires_in: 600 }));
    await act(() => session.refresh());
    await act(() => session.signOut());

    // signedIn, refreshed, rotated, signedOut.
    expect(events).toBe(4);
    // Each render saw a snapshot the one before it did not: no render without a change.
    for (let i = 1; i < rendered.length; i++) expect(rendered[i]).not.toBe(rendered[i - 1]);
    // One render to mount, then at most one per new snapshot (React may batch two into one).
    expect(rendered.length - 1).toBeLessThanOrEqual(snapshots.size);
    expect(rendered.at(-1)?.status).toBe('signedOut');
  });

  it('does not re-render a consumer when the parent re-renders the provider with the same session', async () => {
    const { session, setup } = fixture();
    await session.ready;
    let renders = 0;
    function Child() {
      useSession();
      renders++;
      return null;
    }
    const child = <Child />;
    function Parent({ n }: { n: number }) {
      // An inline setup object, new on every render, as apps write it.
      return <SessionProvider session={session} signIn={{ ...setup, scope: `openid ${n}` }}>{child}</SessionProvider>;
    }
    const { rerender } = render(<Parent n={1} />);
    rerender(<Parent n={2} />);
    rerender(<Parent n={3} />);
    expect(renders).toBe(1);
  });

  it('never creates or disposes the session, even under StrictMode', async () => {
    const { session } = fixture();
    function Status() {
      const renders = useRef(0);
      renders.current++;
      return <p data-testid="status">{useSession().status}</p>;
    }
    const { unmount } = render(<StrictMode><SessionProvider session={session}><Status /></SessionProvider></StrictMode>);
    unmount();
    await session.ready;
    await session.setTokens({ access_token: jwt({ sub: 'ada', exp: 9e9 }), expires_in: 600 });
    // Still alive after React let go of it.
    expect(session.getSnapshot().status).toBe('signedIn');
    render(<SessionProvider session={session}><Status /></SessionProvider>);
    expect(screen.getByTestId('status').textContent).toBe('signedIn');
  });

  it('outside a <SessionProvider> says so with invalid_config', () => {
    function Lost() {
      useSession();
      return null;
    }
    const quiet = console.error;
    console.error = () => undefined;
    try {
      expect(() => render(<Lost />)).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    } finally {
      console.error = quiet;
    }
  });

  it('signIn() with the provider down ends in error, not an unhandled rejection, and a retry clears it', async () => {
    const { session, setup, redirects } = fixture();
    await session.ready;
    let down = true;
    const config = async () => {
      if (down) throw new TokenVaultError('network', 'Discovery failed.');
      return setup;
    };
    let state!: ReturnType<typeof useSession>;
    function Button() {
      state = useSession();
      return <p data-testid="state">{state.error?.code ?? (state.isLoading ? 'busy' : 'idle')}</p>;
    }
    render(<SessionProvider session={session} signIn={config}><Button /></SessionProvider>);
    await act(() => state.signIn({ returnTo: '/orders' }));
    expect(screen.getByTestId('state').textContent).toBe('network');
    expect(redirects).toEqual([]);

    down = false;
    await act(() => state.signIn({ returnTo: '/orders' }));
    expect(redirects).toHaveLength(1);
    expect(redirects[0]!.origin + redirects[0]!.pathname).toBe(setup.authorizationEndpoint);
    // Busy only while the redirect was prepared: back from the provider (bfcache), nothing is stuck.
    expect(screen.getByTestId('state').textContent).toBe('idle');
  });

  it('signIn() twice at once sends the browser away once', async () => {
    const { session, setup, redirects } = fixture();
    await session.ready;
    let state!: ReturnType<typeof useSession>;
    function Button() {
      state = useSession();
      return null;
    }
    render(<SessionProvider session={session} signIn={setup}><Button /></SessionProvider>);
    await act(() => Promise.all([state.signIn(), state.signIn()]));
    expect(redirects).toHaveLength(1);
    expect(Object.keys(sessionStorage).filter((key) => key.startsWith('tokenvault:signin:'))).toHaveLength(1);
  });
});

describe('a session created with oauth2() at module scope', () => {
  it('is what SessionProvider takes (typed sessions included)', () => {
    const session = createSession<{ tenant: string }>({
      persist: 'memory',
      provider: oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa' }),
    });
    disposers.push(() => session.dispose());
    expect(() => render(<SessionProvider session={session} />)).not.toThrow();
  });
});
