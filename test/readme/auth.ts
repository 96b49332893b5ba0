// auth.ts
import { createSession, discover, oauth2 } from 'tokenvault';
import type { SignInConfig } from 'tokenvault/react';

const issuer = 'https://id.example.com';
const provider = oauth2({
  tokenEndpoint: `${issuer}/oauth/token`,
  revocationEndpoint: `${issuer}/oauth/revoke`,
  clientId: 'spa-client',
});

/** Claims of your own, on top of the standard OIDC and Cognito ones tokenvault already types. */
export interface AppClaims {
  tenant?: string;
}

export const session = createSession<AppClaims>({ provider, origins: ['https://api.example.com'] });

// Found when the user first signs in: if the provider is down, useSession().error says so.
export const signIn: SignInConfig = async () => {
  const meta = await discover(issuer);
  return {
    provider,
    authorizationEndpoint: meta.authorizationEndpoint,
    issuer: meta.issuer,
    redirectUri: `${location.origin}/callback`,
    scope: 'openid profile email',
  };
};
