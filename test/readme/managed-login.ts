import { beginSignIn, cognito, completeSignIn, createSession } from 'tokenvault';

const provider = cognito({ clientId: '1example23456789', domain: 'auth.example.com' });
const { authorizationEndpoint, oauth2 } = provider.managedLogin!;
const session = createSession({ provider });

// On "Sign in":
location.assign(await beginSignIn(oauth2, {
  authorizationEndpoint,
  redirectUri: 'https://app.example.com/callback', // an allowed callback URL of the app client
  scope: 'openid email profile',
}));

// On https://app.example.com/callback:
await session.setTokens(await completeSignIn(oauth2, location.href));
history.replaceState(null, '', '/');
