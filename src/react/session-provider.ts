import {
  createContext,
  createElement,
  useContext,
    useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { TokenVaultError, type Session, type SessionSnapshot } from '../index.js';
import { finishSignIn, redirectToSignIn, type SignInConfig } from '../framework/redirect.js';

/** Props of `<SessionProvider>`. */
export interface SessionProviderProps {
  /** A session created once, outside React (module scope), so remounts never re-create it. */
  session: Session;
  /** How `signIn()` sends the user to the provider, and how the callback finishes. */
  signIn?: SignInConfig;
  children?: ReactNode;
}

/** What `useSession()` returns: the live snapshot's fields, what the wrapper is doing, and the actions. */
export interface SessionState<TClaims extends object = object> extends SessionSnapshot<TClaims> {
  /** The session is being restored, a sign-in is being prepared, or a callback is being completed. */
  readonly isLoading: boolean;
  /** Status `signedIn` or `refreshing`: there are tokens. */
  readonly isSignedIn: boolean;
  /** Why the last sign-in or callback failed here (the provider is down, a bogus callback, …). */
  readonly error?: TokenVaultError;
  /** Sends the user to sign in, carrying `appState` (JSON) across the redirect. Never rejects: failures land in `error`. */
  signIn(appState?: unknown): Promise<void>;
  /** Signs out in every tab (`{ revoke: true }` also revokes at the provider, best effort): `session.signOut`. */
  signOut(options?: { revoke?: boolean }): Promise<void>;
  /** A fresh access token; rejects with a `TokenVaultError` when there is none to be had. */
  getAccessToken(): Promise<string>;
  /** `fetch` with the access token on the session's allowed origins: `session.fetch`. */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** The session itself, for events and everything else. */
  readonly session: Session<TClaims>;
}

/** What the wrapper is doing: preparing a sign-in or completing a callback, and how the last one failed. */
interface Work {
  readonly busy: boolean;
  readonly error?: TokenVaultError;
}

const IDLE: Work = { busy: false };
const BUSY: Work = { busy: true };

/** What the provider shares with every hook below it. */
export interface SessionContextValue extends Work {
  session: Session;
  signIn(appState?: unknown): Promise<void>;
  /** Completes the sign-in on the callback page (once per callback), tracked in `busy` and `error`. */
  finishSignIn(): Promise<unknown>;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

/** The provider's context; throws `invalid_config` outside a `<SessionProvider>`. */
export function useSessionContext(): SessionContextValue {
  const context = useContext(SessionContext);
  if (!context) throw new TokenVaultError('invalid_config', 'useSession() needs a <SessionProvider> above it.');
  return context;
}

/** Gives the components below it a session created outside React; never creates or disposes one. */
export function SessionProvider({ session, signIn: config, children }: SessionProviderProps): ReactNode {
  const [work, setWork] = useState(IDLE);
  // The latest setup, read when a sign-in starts: an inline object prop must not re-create the actions.
  const configRef = useRef(config);
  configRef.current = config;
  const redirect = useRef<Promise<void>>(undefined);

  const value = useMemo((): SessionContextValue => {
    async function track<T>(step: () => Promise<T>): Promise<T> {
      setWork(BUSY);
      try {
        const result = await step();
        setWork(IDLE);
        return result;
      } catch (error) {
        // Everything the sign-in throws is a TokenVaultError (see framework/redirect.ts).
        setWork({ busy: false, error: error as TokenVaultError });
        throw error;
      }
    }
    return {
      ...work,
      session,
      // One redirect at a time: a second click, or StrictMode's second effect, joins the first.
      signIn: (appState) =>
        (redirect.current ??= track(() => redirectToSignIn(configRef.current, appState))
          .catch(() => undefined)
          .finally(() => (redirect.current = undefined))),
      finishSignIn: () => track(() => finishSignIn(session, configRef.current)),
    };
  }, [session, work]);
  return createElement(SessionContext.Provider, { value }, children);
}

/**
 * The live session for a component: re-renders when the snapshot changes (not on every event).
 * `TClaims` types the app's own claims; it is not checked at run time.
 */
export function useSession<TClaims extends object = object>(): SessionState<TClaims> {
  const context = useSessionContext();
  const { session } = context;
  // The server render and hydration see the frozen `loading` snapshot; nothing touches window.
  const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot, session.getServerSnapshot);
  return useMemo(
    () =>
      ({
        ...snapshot,
        isLoading: snapshot.status === 'loading' || context.busy,
        // There are tokens exactly while the status is signedIn or refreshing.
        isSignedIn: !!snapshot.tokens,
        error: context.error,
        signIn: context.signIn,
        signOut: session.signOut,
        getAccessToken: session.getAccessToken,
        fetch: session.fetch,
        session,
      }) as SessionState<TClaims>,
    [snapshot, context],
  );
}
