export { createSession } from './session/create-session.js';
export { oauth2 } from './providers/oauth2.js';
export { cognito } from './providers/cognito.js';
export { TokenVaultError } from './errors.js';
export { beginSignIn, completeSignIn } from './providers/pkce.js';
export { discover } from './providers/discovery.js';
export { endSessionUrl, signOutAtProvider } from './providers/end-session.js';

export type {
  Session,
  SessionOptions,
  SessionEvents,
  SessionEvent,
  SessionEventType,
  SessionEventHandlers,
  EventOrigin,
  RefreshOptions,
} from './api.js';
export type { SessionPorts, StoragePort, LockPort, NetworkPort, TabChannel } from './ports.js';
export type { WakeSignals } from './time/deadline-timer.js';
export type { SessionSnapshot, SessionStatus } from './snapshot.js';
export type { ErrorCode, ErrorDetails } from './errors.js';
export type { OAuth2Options, OAuth2Provider } from './providers/oauth2.js';
export type { CognitoOptions, CognitoProvider, CognitoManagedLogin } from './providers/cognito.js';
export type { Provider, ProviderCallOptions, ProviderContext, KeySlots, FetchLike, DpopSigner } from './providers/types.js';
export type { SignInOptions, SignInClient, SignInResult } from './providers/pkce.js';
export type { ProviderMetadata, DiscoverOptions } from './providers/discovery.js';
export type { EndSessionOptions, SignOutAtProviderOptions } from './providers/end-session.js';
export type {
  TokenSet,
  TokenResponse,
  OAuthTokenResponse,
  CognitoAuthenticationResult,
  Claims,
  StandardClaims,
  AddressClaim,
} from './tokens.js';
