import { mount } from '@vue/test-utils';
import { defineComponent } from 'vue';
import { expect, it } from 'vitest';
import { tokenVault, useFetch } from '../../src/vue/index.js';
import { fakeApi, signedInSession } from '../fetch/support.js';

it('useFetch() is the plugin session’s authorized fetch', async () => {
  const api = fakeApi();
  const { session, accessToken } = await signedInSession(api);
  let fetch!: ReturnType<typeof useFetch>;
  mount(defineComponent({ setup: () => ((fetch = useFetch()), () => null) }), { global: { plugins: [tokenVault(session)] } });
  expect((await fetch('https://api.example.com/orders')).status).toBe(200);
  expect(api.calls[0]!.request.headers.get('authorization')).toBe(`Bearer ${accessToken}`);
  expect((await fetch('https://elsewhere.example.net/')).status).toBe(401);
  expect(api.calls[1]!.request.headers.has('authorization')).toBe(false);
  session.dispose();
});

it('useFetch() outside the plugin: invalid_config', () => {
  let error: unknown;
  const Component = defineComponent({
    setup() {
      try {
        useFetch();
      } catch (thrown) {
        error = thrown;
      }
      return () => null;
    },
  });
  mount(Component);
  expect(error).toMatchObject({ code: 'invalid_config' });
});
