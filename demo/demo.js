// tokenvault demo: plain JavaScript against the CDN build (window.TokenVault).
const { createSession, oauth2, discover, beginSignIn, completeSignIn, signOutAtProvider } = window.TokenVault;
const EVENTS = ['signedIn', 'refreshed', 'rotated', 'revoked', 'expired', 'signedOut', 'error'];
const SESSION_NAME = 'demo';

const $ = (id) => document.getElementById(id);
const state = { session: undefined, claimsTab: 'id', refreshes: 0, fingerprintOf: new WeakMap() };

function element(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function clock(ms) {
  const d = new Date(ms);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function seconds(ms) {
  if (ms <= 0) return 'now';
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function showBanner(error) {
  const banner = $('banner');
  banner.hidden = error === undefined;
  banner.textContent = error === undefined ? '' : `${error.code ?? 'error'}: ${error.message}`;
}

function log(type, detail = '') {
  const item = element(
    'li',
    { className: `event event-${type}` },
    element('time', { textContent: clock(Date.now()) }),
    element('span', { className: 'badge', textContent: type }),
    element('span', { className: 'detail', textContent: detail }),
  );
  $('log').prepend(item);
  while ($('log').children.length > 50) $('log').lastElementChild.remove();
}

function describeEvent(type, event) {
  const where = event?.source === 'tab' ? 'from another tab' : event?.source === 'local' ? 'in this tab' : event?.source ?? '';
  if (type === 'refreshed') return `${where} · new access token until ${clock(event.expiresAt)}`;
  if (type === 'error') return `${event.error.code} · ${event.error.message}`;
  if (type === 'expired') return `access token expired at ${clock(event.expiresAt)}`;
  return where;
}

function decodePayload(jwt) {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0))));
  } catch {
    return undefined;
  }
}

function claimValue(name, value) {
  if (['exp', 'iat', 'auth_time', 'nbf'].includes(name) && typeof value === 'number') {
    return `${value} (${new Date(value * 1000).toLocaleString()})`;
  }
  return Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function renderClaims(snapshot) {
  const body = $('claims');
  const claims =
    snapshot.tokens === undefined
      ? undefined
      : state.claimsTab === 'id'
        ? snapshot.claims
        : decodePayload(snapshot.tokens.accessToken);
  if (claims === undefined) {
    body.replaceChildren(element('tr', {}, element('td', { className: 'muted', textContent: 'No tokens yet.' })));
    return;
  }
  body.replaceChildren(
    ...Object.entries(claims).map(([name, value]) =>
      element('tr', {}, element('th', { scope: 'row', textContent: name }), element('td', { textContent: claimValue(name, value) })),
    ),
  );
}

async function fingerprint(tokens) {
  if (tokens?.refreshToken === undefined) return '—';
  if (!state.fingerprintOf.has(tokens)) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(tokens.refreshToken));
    const hex = Array.from(new Uint8Array(digest).slice(0, 6), (b) => b.toString(16).padStart(2, '0')).join('');
    state.fingerprintOf.set(tokens, `sha256:${hex}…`);
  }
  return state.fingerprintOf.get(tokens);
}

/** What an attacker with the disk would find: reads tokenvault's own IndexedDB record, raw. */
async function describeAtRest() {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('tokenvault');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    if (!db.objectStoreNames.contains('vault')) return 'nothing stored';
    const get = (key) =>
      new Promise((resolve, reject) => {
        const request = db.transaction('vault').objectStore('vault').get(key);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const [record, key] = await Promise.all([get(`record:${SESSION_NAME}`), get(`key:${SESSION_NAME}`)]);
    if (record === undefined) return 'nothing stored';
    const size = record.data?.byteLength ?? 0;
    const keyText = key instanceof CryptoKey ? (key.extractable ? 'extractable key!' : 'non-extractable key') : 'no key';
    return `${size.toLocaleString()} B AES-GCM · ${keyText}`;
  } finally {
    db.close();
  }
}

async function render() {
  const snapshot = state.session.getSnapshot();
  const signedIn = snapshot.tokens !== undefined;
  $('status').textContent = snapshot.status;
  $('status').dataset.status = snapshot.status;
  const claims = snapshot.claims ?? {};
  $('name').textContent = signedIn ? (claims.name ?? claims.sub ?? 'Signed in') : 'Not signed in';
  $('email').textContent = signedIn
    ? [claims.email, snapshot.groups?.length ? `groups: ${snapshot.groups.join(', ')}` : ''].filter(Boolean).join(' · ')
    : 'Sign in with the local OpenID provider (PKCE).';
  $('avatar').textContent = signedIn ? String(claims.name ?? claims.sub ?? '?').slice(0, 1).toUpperCase() : '?';
  $('sign-in').disabled = signedIn || snapshot.status === 'loading';
  for (const id of ['refresh', 'revoke']) $(id).disabled = !signedIn;
  // Also after Revoke: the provider's login outlives the tokens until it is ended there.
  $('sign-out').disabled = snapshot.status === 'loading';
  $('refresh-count').textContent = String(state.refreshes);
  renderClaims(snapshot);
  $('rt-fingerprint').textContent = await fingerprint(snapshot.tokens);
  $('at-rest').textContent = await describeAtRest().catch(() => 'unavailable');
}

function tick() {
  const snapshot = state.session?.getSnapshot();
  const now = Date.now();
  if (snapshot?.tokens === undefined) {
    $('refresh-in').textContent = '—';
    $('expires-in').textContent = '—';
    $('refresh-bar').style.width = '0%';
  } else {
    const { receivedAt } = snapshot.tokens;
    const refreshAt = snapshot.refreshAt ?? snapshot.expiresAt;
    $('refresh-in').textContent = snapshot.status === 'refreshing' ? 'refreshing…' : seconds(refreshAt - now);
    $('expires-in').textContent = seconds(snapshot.expiresAt - now);
    const share = Math.min(1, Math.max(0, (now - receivedAt) / Math.max(1, refreshAt - receivedAt)));
    $('refresh-bar').style.width = `${(share * 100).toFixed(1)}%`;
  }
  requestAnimationFrame(tick);
}

async function run(action) {
  showBanner(undefined);
  try {
    await action();
  } catch (error) {
    showBanner(error);
  }
}

async function main() {
  const config = await (await fetch('/demo-config.json')).json();
  const metadata = await discover(config.issuer);
  const provider = oauth2({
    tokenEndpoint: metadata.tokenEndpoint,
    revocationEndpoint: metadata.revocationEndpoint,
    clientId: config.clientId,
  });
  const session = createSession({ name: SESSION_NAME, provider });
  state.session = session;
  for (const type of EVENTS) {
    session.on(type, (event) => {
      if (type === 'refreshed') state.refreshes += 1;
      log(type, describeEvent(type, event));
    });
  }
  session.subscribe(() => void render());
  requestAnimationFrame(tick);

  $('sign-in').onclick = () =>
    run(async () => {
      location.assign(
        await beginSignIn(provider, {
          authorizationEndpoint: metadata.authorizationEndpoint,
          redirectUri: location.origin + location.pathname,
          scope: config.scope,
          issuer: metadata.issuer,
        }),
      );
    });
  $('refresh').onclick = () => run(() => session.refresh());
  $('revoke').onclick = () => run(() => session.revoke());
  // Signs out in every tab, revokes the refresh token, then ends the login at the provider, so
  // the next Sign in shows the login form again.
  $('sign-out').onclick = () =>
    run(() =>
      signOutAtProvider(session, provider, {
        endSessionEndpoint: metadata.endSessionEndpoint,
        postLogoutRedirectUri: location.origin + location.pathname,
        revoke: true,
      }),
    );
  $('clear-log').onclick = () => $('log').replaceChildren();
  for (const tab of ['id', 'access']) {
    $(`tab-${tab}`).onclick = () => {
      state.claimsTab = tab;
      $('tab-id').setAttribute('aria-selected', String(tab === 'id'));
      $('tab-access').setAttribute('aria-selected', String(tab === 'access'));
      renderClaims(session.getSnapshot());
    };
  }

  await session.ready;
  log('ready', session.getSnapshot().tokens ? 'restored from the sealed record' : 'no stored session');
  const callback = new URL(location.href);
  if (callback.searchParams.has('state')) {
    // Keep the authorization code out of the address bar and history.
    history.replaceState(null, '', callback.pathname);
    await run(async () => session.setTokens(await completeSignIn(provider, callback)));
  }
  await render();
}

main().catch((error) => showBanner(error));
