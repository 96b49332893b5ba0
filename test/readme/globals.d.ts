// What the README's examples take from the app around them.
import type { OAuth2Provider, OAuthTokenResponse, Session } from 'tokenvault';

declare global {
  const session: Session;
  const provider: OAuth2Provider;
  const tokenResponse: OAuthTokenResponse;
  const clientId: string;
  const userPoolId: string;
  const idToken: string;
  const token: string;
  function showSignIn(message?: string): void;
  function render(view: unknown): void;
  const cognito: typeof import('tokenvault').cognito;
  const createVerifier: typeof import('tokenvault/verify').createVerifier;
}
