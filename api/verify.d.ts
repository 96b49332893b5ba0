import { JWTVerifyGetKey } from 'jose';
import { Claims, FetchLike } from 'tokenvault';

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
