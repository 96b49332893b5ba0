// The session lives at module scope: created once, whatever React mounts, remounts or refreshes.
import { createSession, discover, oauth2 } from 'tokenvault';
import type { SignInConfig } from 'tokenvault/react';

const issuer = import.meta.env.VITE_OIDC_ISSUER;

const provider = oauth2({
  tokenEndpoint: `${issuer}/token`,
  revocationEndpoint: `${issuer}/token/revocation`,
  clientId: import.meta.env.VITE_OIDC_CLIENT_ID,
});

/** The app's own claims, on top of the standard ones tokenvault knows. */
export interface AppClaims {
  groups?: string[];
}

// The API is on another origin: allowed here, so session.fetch attaches the token to its requests.
export const session = createSession<AppClaims>({ name: 'react-example', provider, origins: [import.meta.env.VITE_API_URL] });

/**
 * How to sign in, found when the user first signs in: discovery runs then, not at start-up,
 * so a provider that is down shows up as `useSession().error` instead of a blank page.
 */
export const signIn: SignInConfig = async () => {
  const meta = await discover(issuer);
  return {
    provider,
    authorizationEndpoint: meta.authorizationEndpoint,
    issuer: meta.issuer,
    redirectUri: `${location.origin}/callback`,
    scope: 'openid profile email api:read',
  };
};
