import type { Session } from '../api.js';
import type { CognitoProvider } from './cognito.js';
import { clientIdOf, type SignInClient } from './pkce.js';
import { requireOption, urlOption } from './options.js';

/** Where `endSessionUrl()` sends the user to end the provider's login, and what it tells the provider. */
export interface EndSessionOptions {
  /**
   * The provider's `end_session_endpoint` (`discover()`'s `endSessionEndpoint`; OpenID Connect
   * RP-Initiated Logout). Not needed for Cognito managed login: its `/logout` is used.
   */
  endSessionEndpoint?: string | undefined;
  /** Where the provider sends the user afterwards; registered with the client (Cognito: an allowed sign-out URL). */
  postLogoutRedirectUri?: string | undefined;
  /** The ID token, so the provider knows whose login to end without asking (`id_token_hint`). */
  idTokenHint?: string | undefined;
  /** Handed back on the `postLogoutRedirectUri` (OpenID Connect only). */
  state?: string | undefined;
  /** More parameters (`ui_locales`, `logout_hint`, …); they cannot replace the ones above. */
  extraParams?: Record<string, string> | undefined;
  /** Allows plain http: URLs on hosts other than this machine. For development networks only. */
  dangerouslyAllowInsecureHttp?: boolean | undefined;
}

/** Options of `signOutAtProvider()`: where to end the provider's login, and whether to revoke first. */
export interface SignOutAtProviderOptions extends Omit<EndSessionOptions, 'idTokenHint'> {
  /** Also revoke the refresh token at the provider (best effort), as `signOut({ revoke: true })`. */
  revoke?: boolean | undefined;
}

/**
 * The URL that ends the user's login at the provider: OpenID Connect's `end_session_endpoint`
 * with `client_id`, `id_token_hint`, `post_logout_redirect_uri` and `state`, or, for a
 * `cognito()` provider with a `domain`, `https://{domain}/logout?client_id=…&logout_uri=…`.
 */
export function endSessionUrl(client: SignInClient | CognitoProvider, options: EndSessionOptions): string {
  const { postLogoutRedirectUri: redirect, dangerouslyAllowInsecureHttp: insecureHttp } = options;
  const clientId = clientIdOf(client);
  const cognito = 'managedLogin' in client;
  if (cognito) {
    requireOption(client.managedLogin, 'endSessionUrl(): the cognito() provider has no domain (managed login).');
    requireOption(redirect, 'endSessionUrl(): Cognito needs postLogoutRedirectUri (an allowed sign-out URL).');
  }
  const endpoint = cognito ? client.managedLogin!.logoutEndpoint : options.endSessionEndpoint;
  const url = urlOption(endpoint, 'endSessionUrl(): endSessionEndpoint', { insecureHttp });
  if (redirect !== undefined) urlOption(redirect, 'endSessionUrl(): postLogoutRedirectUri', { anyScheme: true, insecureHttp });
  // Ours come last, so extraParams cannot replace them.
  const params: Record<string, string | undefined> = cognito
    ? { ...options.extraParams, client_id: clientId, logout_uri: redirect }
    : {
        ...options.extraParams,
        client_id: clientId,
        id_token_hint: options.idTokenHint,
        post_logout_redirect_uri: redirect,
        state: options.state,
      };
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * Signs out in every tab (the local sign-out comes first, whatever the redirect does), then
 * sends the browser to the provider to end its login too, so the next sign-in asks again.
 * Bad options are refused with `invalid_config` before anything changes.
 */
export async function signOutAtProvider(
  session: Pick<Session, 'getSnapshot' | 'signOut'>,
  client: SignInClient | CognitoProvider,
  options: SignOutAtProviderOptions,
): Promise<void> {
  // The ID token is gone once signed out: read it first.
  const url = endSessionUrl(client, { ...options, idTokenHint: session.getSnapshot().tokens?.idToken });
  await session.signOut({ revoke: options.revoke === true });
  location.assign(url);
}
