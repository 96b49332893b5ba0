import { discover, endSessionUrl, signOutAtProvider } from 'tokenvault';

const meta = await discover('https://id.example.com');

// "Sign out" button: signs out in every tab first, then sends the browser to the provider.
await signOutAtProvider(session, provider, {
  endSessionEndpoint: meta.endSessionEndpoint,          // the discovery document's end_session_endpoint
  postLogoutRedirectUri: 'https://app.example.com/',    // registered with the client
  revoke: true,
});

// Or build the URL yourself (read the ID token before signing out: it is gone afterwards).
const url = endSessionUrl(provider, {
  endSessionEndpoint: meta.endSessionEndpoint,
  postLogoutRedirectUri: 'https://app.example.com/',
  idTokenHint: session.getSnapshot().tokens?.idToken,
  state: 'signed-out',
});
