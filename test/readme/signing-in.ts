import { beginSignIn, completeSignIn, createSession, discover, oauth2 } from 'tokenvault';

const meta = await discover('https://id.example.com');   // OpenID Connect discovery (optional)
const provider = oauth2({
  tokenEndpoint: meta.tokenEndpoint,
  revocationEndpoint: meta.revocationEndpoint,
  clientId: 'spa-client',
});
const session = createSession({ provider });

// "Sign in" button:
location.assign(
  await beginSignIn(provider, {
    authorizationEndpoint: meta.authorizationEndpoint,
    redirectUri: 'https://app.example.com/callback',
    scope: 'openid profile email',
    issuer: meta.issuer,                                  // checks `iss` on the way back (RFC 9207)
    appState: { returnTo: location.pathname },            // any JSON; completeSignIn() hands it back
  }),
);

// On https://app.example.com/callback:
const result = await completeSignIn<{ returnTo: string }>(provider); // reads location.href
await session.setTokens(result);                          // the token response (appState is no token)
history.replaceState(null, '', result.appState?.returnTo ?? '/');
