import { JWTPayload, JWTVerifyGetKey } from 'jose';

/** The postal address claim of OpenID Connect Core §5.1.1. */
interface AddressClaim {
    formatted?: string;
    street_address?: string;
    locality?: string;
    region?: string;
    postal_code?: string;
    country?: string;
}
/**
 * The claims an app reads without declaring them: OpenID Connect's standard
 * claims (Core §5.1 and the ID token's, §2) and Amazon Cognito's. Typed as the
 * specifications define them; tokenvault decodes claims, it does not check their types.
 */
interface StandardClaims extends JWTPayload {
    name?: string;
    given_name?: string;
    family_name?: string;
    middle_name?: string;
    nickname?: string;
    preferred_username?: string;
    profile?: string;
    picture?: string;
    website?: string;
    email?: string;
    email_verified?: boolean;
    gender?: string;
    birthdate?: string;
    zoneinfo?: string;
    locale?: string;
    phone_number?: string;
    phone_number_verified?: boolean;
    address?: AddressClaim;
    updated_at?: number;
    nonce?: string;
    auth_time?: number;
    acr?: string;
    amr?: string[];
    azp?: string;
    sid?: string;
    scope?: string;
    client_id?: string;
    'cognito:groups'?: string[];
    'cognito:username'?: string;
    'cognito:roles'?: string[];
    'cognito:preferred_role'?: string;
    /** Cognito: which token this is. */
    token_use?: 'id' | 'access';
    /** Cognito's access token names the user here. */
    username?: string;
    origin_jti?: string;
}
/**
 * Decoded JWT claims: the standard ones typed, `TCustom`'s typed as the app
 * declares them (`Claims<{ tenant: string }>`), any other one `unknown`.
 */
type Claims<TCustom extends object = object> = StandardClaims & TCustom & Record<string, unknown>;

/** The `fetch` signature tokenvault needs; inject one in tests or to add headers. */
type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * `tokenvault/verify`: signature and claim verification of ID and access
 * tokens against the issuer's JWKS. A separate entry point so that apps that
 * do not verify in the browser do not ship it.
 *
 * Verifying in the browser is defence in depth (a tampered or mixed-up token
 * is caught before the app trusts its claims), not authorization: the API
 * that receives the access token must verify it itself.
 */

/** Options of a verifier: a Cognito pool (`region` + `userPoolId`) or any OIDC issuer (`issuer`, `jwksUri`). */
interface VerifierOptions {
    /** The app client id: the ID token's `aud` and the access token's `client_id`. */
    clientId: string;
    /** The Cognito user pool id, e.g. `eu-west-1_AbCdEf123`; gives issuer and JWKS and makes `token_use` required. */
    userPoolId?: string;
    /** The AWS region; read from `userPoolId` when omitted. */
    region?: string;
    /** The expected `iss`; overrides the pool's (both its original and its UPDATED issuer are accepted by default). */
    issuer?: string;
    /** The JWKS URL; default `{issuer}/.well-known/jwks.json`. */
    jwksUri?: string;
    /** Accepted signing algorithms. Default: `RS256` for Cognito, else whatever the JWKS keys allow. */
    algorithms?: string[];
    /** Leeway in seconds for `exp`, `nbf` and `iat`. Default 30. */
    clockTolerance?: number;
    /** Require `token_use` (Cognito) rather than only checking it when present. Default: true when `userPoolId` is given. */
    requireTokenUse?: boolean;
    /** A fetch for the JWKS request instead of the global one. */
    fetch?: FetchLike;
    /** A key resolver instead of the remote JWKS (tests, pinned keys). */
    keys?: JWTVerifyGetKey;
}
/** Checks the token's signature and claims and returns its claims, or throws `verification_failed`. */
interface Verifier {
    /** Verifies an ID token: `iss`, `aud` (and `azp` when there are several audiences), `token_use: id`, `exp`, and `nonce` when given. */
    verifyIdToken(token: string, checks?: {
        nonce?: string;
    }): Promise<Claims>;
    /** Verifies an access token: `iss`, `client_id`, `token_use: access`, `exp`. */
    verifyAccessToken(token: string): Promise<Claims>;
}
/** Creates a verifier that fetches the issuer's JWKS once and caches it (jose's cache, refetched on an unknown `kid`). */
declare function createVerifier(options: VerifierOptions): Verifier;

export { createVerifier };
export type { Verifier, VerifierOptions };
