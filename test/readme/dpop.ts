import { createSession, oauth2 } from 'tokenvault';

const provider = oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa-client', dpop: true });
const session = createSession({ provider });
// beginSignIn(provider, …) and completeSignIn(provider) as in "Signing in": they do the DPoP parts.

// Calling your API yourself: the token goes with a proof of this browser's key.
const url = 'https://api.example.com/orders';
const token = await session.getAccessToken();
const call = async (): Promise<Response> =>
  fetch(url, { headers: { Authorization: `DPoP ${token}`, DPoP: await provider.dpop!.proof('GET', url, token) } });
let response = await call();
if (provider.dpop!.retryWithNonce(url, response)) response = await call(); // the API asked for its nonce
