import { mount } from '@vue/test-utils';
import { createSSRApp, defineComponent, h, nextTick, type Component } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenVaultError, type Session } from '../../src/index.js';
import { signInGuard, tokenVault, useSession, useSignIn, useSignInCallback } from '../../src/vue/index.js';
import { jwt } from '../helpers.js';
import { REDIRECT_URI, signInFixture } from '../framework/sign-in-fixture.js';

const disposers: Array<() => void> = [];
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
  sessionStorage.clear();
  history.replaceState(null, '', '/');
});

function fixture() {
  const f = signInFixture();
  disposers.push(() => f.session.dispose());
  return f;
}

/** How many listeners `subscribe()` has handed out and not yet taken back. */
function countSubscriptions(session: Session): { readonly live: number } {
  const counter = { live: 0 };
  const subscribe = session.subscribe;
  vi.spyOn(session, 'subscribe').mockImplementation((listener) => {
    counter.live++;
    const off = subscribe(listener);
    return () => {
      counter.live--;
      off();
    };
  });
  return counter;
}

const Status = defineComponent({
  setup() {
    const snapshot = useSession();
    return () => h('p', `${snapshot.value.status} ${snapshot.value.claims?.name ?? '-'}`);
  },
});

describe('useSession()', () => {
  it('follows the session and lets go of its subscription when the component unmounts', async () => {
    const { session } = fixture();
    const subscriptions = countSubscriptions(session);
    const wrapper = mount(Status, { global: { plugins: [tokenVault(session)] } });
    expect(wrapper.text()).toBe('loading -');
    expect(subscriptions.live).toBe(1);

    await session.ready;
    await nextTick();
    expect(wrapper.text()).toBe('signedOut -');
    await session.setTokens({ id_token: jwt({ sub: 'ada', name: 'Ada Lovelace' }), access_token: 'opaque', expires_in: 600 });
    await nextTick();
    expect(wrapper.text()).toBe('signedIn Ada Lovelace');

    wrapper.unmount();
    expect(subscriptions.live).toBe(0);
  });

  it('without the plugin says invalid_config', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(() => mount(Status)).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    warn.mockRestore();
  });

  it('on the server renders loading and keeps no subscription', async () => {
    const { session } = fixture();
    await session.ready;
    await session.setTokens({ access_token: jwt({ sub: 'ada', exp: 9e9 }), expires_in: 600 });
    const subscriptions = countSubscriptions(session);
    vi.stubGlobal('window', undefined);
    try {
      const app = createSSRApp(Status).use(tokenVault(session));
      expect(await renderToString(app)).toBe('<p>loading -</p>');
    } finally {
      vi.unstubAllGlobals();
    }
    expect(subscriptions.live).toBe(0);
  });
});

describe('useSignIn() and useSignInCallback()', () => {
  it('goes out to the provider and comes back signed in; the code is exchanged once and leaves the URL', async () => {
    const { session, setup, redirects, codeExchanges, returnFromProvider } = fixture();
    await session.ready;
    let signIn!: ReturnType<typeof useSignIn>;
    mount(defineComponent({ setup: () => ((signIn = useSignIn()), () => null) }), { global: { plugins: [tokenVault(session, { signIn: setup })] } });
    await signIn({ returnTo: '/orders' });
    expect(redirects).toHaveLength(1);
    returnFromProvider();

    const Callback = defineComponent({
      setup() {
        const state = useSignInCallback();
        return () =>
          h('p', state.value.status === 'error' ? state.value.error.code : state.value.status === 'done' ? state.value.appState?.returnTo : 'pending');
      },
    });
    const wrapper = mount(Callback, { global: { plugins: [tokenVault(session, { signIn: setup })] } });
    expect(wrapper.text()).toBe('pending');
    await vi.waitFor(() => expect(wrapper.text()).toBe('/orders'));
    expect(codeExchanges).toHaveLength(1);
    expect(session.getSnapshot().status).toBe('signedIn');
    expect(location.href).toBe(REDIRECT_URI);
  });

  it('a bogus callback ends in a typed error', async () => {
    const { session, setup, returnFromProvider } = fixture();
    returnFromProvider({ code: 'stolen', state: 'never-started' });
    let state!: ReturnType<typeof useSignInCallback>;
    mount(defineComponent({ setup: () => ((state = useSignInCallback()), () => null) }), { global: { plugins: [tokenVault(session, { signIn: setup })] } });
    await vi.waitFor(() => expect(state.value.status).toBe('error'));
    expect(state.value).toMatchObject({ error: { code: 'invalid_state' } });
    expect(location.search).toBe('');
  });
});

describe('signInGuard()', () => {
  const Page = (name: string): Component => defineComponent({ render: () => h('p', name) });

  async function routerWith(session: Session, config: Parameters<typeof signInGuard>[1]): Promise<Router> {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', component: Page('home') },
        { path: '/orders', component: Page('orders'), meta: { requiresSignIn: true } },
      ],
    });
    router.beforeEach(signInGuard(session, config));
    await router.push('/');
    return router;
  }

  it('lets public routes through, and starts sign-in for a protected one that comes back to it', async () => {
    const { session, setup, redirects, returnFromProvider } = fixture();
    const router = await routerWith(session, setup);
    expect(router.currentRoute.value.fullPath).toBe('/');

    await router.push('/orders?page=2');
    expect(router.currentRoute.value.fullPath).toBe('/');
    expect(redirects).toHaveLength(1);
    expect(redirects[0]!.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);

    // The callback hands back the route the guard stopped.
    returnFromProvider();
    let state!: ReturnType<typeof useSignInCallback>;
    mount(defineComponent({ setup: () => ((state = useSignInCallback()), () => null) }), { global: { plugins: [tokenVault(session, { signIn: setup })] } });
    await vi.waitFor(() => expect(state.value).toEqual({ status: 'done', appState: { returnTo: '/orders?page=2' } }));
  });

  it('signed in, the protected route opens', async () => {
    const { session, setup, redirects } = fixture();
    await session.ready;
    await session.setTokens({ access_token: jwt({ sub: 'ada', exp: 9e9 }), expires_in: 600 });
    const router = await routerWith(session, setup);
    await router.push('/orders');
    expect(router.currentRoute.value.fullPath).toBe('/orders');
    expect(redirects).toEqual([]);
  });

  it('provider down: the navigation fails with the TokenVaultError (router.onError hears it)', async () => {
    const { session } = fixture();
    const router = await routerWith(session, async () => {
      throw new TokenVaultError('network', 'The provider cannot be reached.');
    });
    const heard: unknown[] = [];
    router.onError((error) => heard.push(error));
    await expect(router.push('/orders')).rejects.toMatchObject({ code: 'network' });
    expect(heard).toEqual([expect.objectContaining({ code: 'network' })]);
    expect(router.currentRoute.value.fullPath).toBe('/');
  });
});
