/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The OpenID provider, e.g. https://id.example.com. */
  readonly VITE_OIDC_ISSUER: string;
  readonly VITE_OIDC_CLIENT_ID: string;
  /** The API the orders page calls with the access token. */
  readonly VITE_API_URL: string;
}
