import { createSession, oauth2 } from 'tokenvault';

const session = createSession({
  name: 'app',
  provider: oauth2({
    tokenEndpoint: 'https://id.example.com/oauth/token',
    revocationEndpoint: 'https://id.example.com/oauth/revoke',
    clientId: 'spa-client',
  }),
});

await session.ready;                       // the sealed record is restored, if there is one
if (session.getSnapshot().status === 'signedOut') {
  // sign the user in (see below), then:
  await session.setTokens(tokenResponse);  // the token endpoint's JSON, or Cognito's AuthenticationResult
}

const response = await session.fetch('/api/orders'); // with the token, refreshed first when due

session.on('signedOut', () => showSignIn()); // signed out here, in another tab, or by the provider
