// The redirect sign-in as the framework wrappers run it: out with app state, back exactly once.
// Values come from the core entry only ('../index.js'), which the wrapper builds import as
// `tokenvault`, so a wrapper carries no second copy of the core.
import { beginSignIn, completeSignIn, TokenVaultError, type OAuth2Provider, type Session, type SignInOptions } from '../index.js';

/** What a wrapper needs to start a sign-in: `beginSignIn()`'s options and the `oauth2()` provider that signs in. */
export interface SignInSetup extends SignInOptions {
  /** The provider whose client signs in; for Cognito's managed login, `cognito(…).managedLogin.oauth2`. */
  provider: OAuth2Provider;
}

/** The setup itself, or a function that finds it when it is first needed (for example with `discover()`). */
export type SignInConfig = SignInSetup | (() => SignInSetup | Promise<SignInSetup>);

/** Where the user was when sign-in started; what `<RequireSignIn>` and the router guard carry across the redirect. */
export interface ReturnTo {
  returnTo: string;
}

/** Where the callback is: still exchanging the code, done (with the app state sign-in carried), or refused. */
export type SignInCallbackState<TAppState = ReturnTo> =
  | { readonly status: 'pending' }
  | { readonly status: 'done'; readonly appState: TAppState | undefined }
  | { readonly status: 'error'; readonly error: TokenVaultError };

async function setupOf(config: SignInConfig | undefined): Promise<SignInSetup> {
  if (!config) throw new TokenVaultError('invalid_config', 'No sign-in setup was given (signIn).');
  try {
    return typeof config === 'function' ? await config() : config;
  } catch (cause) {
    // The app's own setup function: discover() already says `network` when the provider is down;
    // anything else it throws becomes a TokenVaultError too, as everything from the core already is.
    throw cause instanceof TokenVaultError ? cause : new TokenVaultError('invalid_config', 'The sign-in setup failed.', { cause });
  }
}

/** The path, query and fragment of this page: where to come back to. */
export const currentPath = (): string => location.pathname + location.search + location.hash;

/** Sends the browser to the provider's sign-in page, carrying `appState` across the redirect. */
export async function redirectToSignIn(config: SignInConfig | undefined, appState?: unknown): Promise<void> {
  const { provider, ...options } = await setupOf(config);
  // appState travels with the pending sign-in (in sessionStorage, never in the URL).
  location.assign(await beginSignIn(provider, { ...options, appState }));
}

/**
 * Completes the sign-in on the callback page: exchanges the code, stores the
 * tokens in `session`, takes the provider's answer out of the address bar and
 * resolves to the app state that `redirectToSignIn()` carried. Call it once per
 * callback (the React hook holds its promise across StrictMode's second mount).
 */
export async function finishSignIn(session: Session<object>, config: SignInConfig | undefined): Promise<unknown> {
  const url = location.href;
  try {
    const result = await completeSignIn((await setupOf(config)).provider, url);
    await session.setTokens(result);
    return result.appState;
  } finally {
    // The callback route's query is the provider's answer (code, state, iss, error, …). A used or
    // refused code has no business in the history or a bookmark.
    history.replaceState(history.state, '', url.replace(/\?[^#]*/, ''));
  }
}
