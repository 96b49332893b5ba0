import { createElement, useEffect, useRef, useState, type ReactNode } from 'react';
import type { TokenVaultError } from '../index.js';
import { currentPath, type ReturnTo, type SignInCallbackState } from '../framework/redirect.js';
import { useSession, useSessionContext } from './session-provider.js';

const PENDING = { status: 'pending' } as const;

/**
 * Completes the sign-in on the callback page, once per component (StrictMode's
 * double mount included): stores the tokens, takes the code out of the URL,
 * hands back the app state and calls `onDone(appState)`. A bogus, replayed or
 * refused callback ends in `error`.
 */
export function useSignInCallback<TAppState = ReturnTo>(onDone?: (appState: TAppState | undefined) => void): SignInCallbackState<TAppState> {
  const { session, finishSignIn } = useSessionContext();
  const [state, setState] = useState<SignInCallbackState<TAppState>>(PENDING);
  // StrictMode mounts twice, keeping refs: the second mount joins the first one's exchange.
  const exchange = useRef<Promise<unknown>>(undefined);
  useEffect(() => {
    // ...and only the second mount, which stays, reports.
    let mounted = true;
    (exchange.current ??= finishSignIn()).then(
      (appState) => {
        if (!mounted) return;
        setState({ status: 'done', appState: appState as TAppState | undefined });
        onDone?.(appState as TAppState | undefined);
      },
      (error: TokenVaultError) => mounted && setState({ status: 'error', error }),
    );
    return () => void (mounted = false);
  }, [session]);
  return state;
}

/** Props of `<SignInCallback>`. */
export interface SignInCallbackProps<TAppState = ReturnTo> {
  /** Called once the tokens are stored, with the app state sign-in carried: navigate on from here. */
  onDone(appState: TAppState | undefined): void;
  /** Shown while the code is exchanged. */
  fallback?: ReactNode;
  /** Shown when the callback is refused; default: the error's message (never a token) in a `role="alert"` paragraph. */
  renderError?(error: TokenVaultError): ReactNode;
}

const defaultError = (error: TokenVaultError): ReactNode => createElement('p', { role: 'alert' }, error.message);

/** The callback route's component: completes the sign-in once, then calls `onDone(appState)`. */
export function SignInCallback<TAppState = ReturnTo>({ onDone, fallback = null, renderError = defaultError }: SignInCallbackProps<TAppState>): ReactNode {
  const state = useSignInCallback(onDone);
  return state.status === 'error' ? renderError(state.error) : fallback;
}

/** Props of `<RequireSignIn>`. */
export interface RequireSignInProps {
  children?: ReactNode;
  /**
   * Shown instead of the children until there is a session. When sign-in cannot
   * start (the provider is down), `useSession().error` says why and `signIn()` tries again.
   */
  fallback?: ReactNode;
  /** Whether to start sign-in when signed out (default `true`); `false` shows only the fallback. */
  redirect?: boolean;
}

/** Renders its children when signed in; otherwise starts sign-in (coming back to this page) and shows the fallback. */
export function RequireSignIn({ children, fallback = null, redirect = true }: RequireSignInProps): ReactNode {
  const { status, isSignedIn, error, signIn } = useSession();
  // Not again after a failure: the fallback offers the retry.
  const start = redirect && status === 'signedOut' && !error;
  useEffect(() => {
    if (start) void signIn({ returnTo: currentPath() } satisfies ReturnTo);
  }, [start]);
  return isSignedIn ? children : fallback;
}
