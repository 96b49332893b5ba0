// tokenvault/react: the session in React 18 and 19. The session is created outside React;
// this entry adds the hook, the sign-in round trip and a guard, and imports the core as `tokenvault`.
export { SessionProvider, useSession } from './session-provider.js';
export { RequireSignIn, SignInCallback, useSignInCallback } from './sign-in.js';

export type { SessionProviderProps, SessionState } from './session-provider.js';
export type { RequireSignInProps, SignInCallbackProps } from './sign-in.js';
export type { ReturnTo, SignInCallbackState, SignInConfig, SignInSetup } from '../framework/redirect.js';
