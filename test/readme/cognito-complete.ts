import { createSession, cognito } from 'tokenvault';

const region = 'eu-west-1';
const userPoolId = 'eu-west-1_AbCdEf123';
const clientId = '1example23456789';

const session = createSession({
  name: 'app',
  provider: cognito({ userPoolId, clientId }),
});

session.on('revoked', () => showSignIn('Your session ended. Please sign in again.'));
session.on('error', ({ error }) => {
  if (error.retryable) return; // tokenvault retries on its own
  console.warn('tokenvault:', error.code, error.message); // never contains a token
});

await session.ready;
if (session.getSnapshot().status === 'signedOut') showSignIn();

async function signIn(username: string, password: string) {
  // Any sign-in works: Amplify, the AWS SDK, or the API call itself, as here.
  // USER_PASSWORD_AUTH keeps the example short; prefer USER_SRP_AUTH in production.
  const response = await fetch(`https://cognito-idp.${region}.amazonaws.com/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.message); // e.g. "Incorrect username or password."
  if (!answer.AuthenticationResult) throw new Error(`One more step first: ${answer.ChallengeName}`); // MFA, new password
  await session.setTokens(answer.AuthenticationResult);
  const { username: name, groups } = session.getSnapshot();
  render({ name, isAdmin: groups?.includes('admins') ?? false });
}

async function callApi(path: string) {
  const token = await session.getAccessToken(); // refreshed first if due
  return fetch(`https://api.example.com${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

async function signOut() {
  await session.signOut({ revoke: true }); // cleared in every tab, then RevokeToken (best effort)
  showSignIn();
}
