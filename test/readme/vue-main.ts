// main.ts
import { createApp } from 'vue';
import { createRouter, createWebHistory } from 'vue-router';
import { signInGuard, tokenVault } from 'tokenvault/vue';
import App from './App.vue';
import Callback from './Callback.vue';
import Home from './Home.vue';
import Orders from './Orders.vue';
import { session, signIn } from './auth.js'; // as in the React section

const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', component: Home },
    { path: '/orders', component: Orders, meta: { requiresSignIn: true } },
    { path: '/callback', component: Callback },
  ],
});
// A route with meta.requiresSignIn waits for the session; signed out, it starts sign-in that comes back to it.
router.beforeEach(signInGuard(session, signIn));
router.onError((error) => console.warn('navigation failed:', error.code ?? error)); // the provider is down, …

createApp(App).use(tokenVault(session, { signIn })).use(router).mount('#app');
