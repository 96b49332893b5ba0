// @ts-check
// The package's entry points, in one list that the build (rollup.config.mjs), the size script
// (bench/size.mjs) and the tests of the built package (package-test/, e2e/builds.test.ts) all read.
// Adding an entry point is one object here plus its line in package.json's `exports` (and
// `typesVersions`); package-test/surface.test.ts prints the exact lines when they are missing. The
// README's "Adding an entry point" has the steps.

/**
 * A size budget, in brotli kilobytes (quality 11, as `npm run size` prints).
 * @typedef {object} Budget
 * @property {number} brotliKB the most this build may weigh
 * @property {string[]} [imports] ES only: what an app imports, measured as a bundler tree-shakes it
 *   (default: everything the entry exports)
 * @property {{ [capability: string]: string[] }} [mustNotContain] strings whose presence in the measured
 *   bundle means that capability leaked into it (each must occur in some other measured build)
 */

/**
 * @typedef {object} Entry
 * @property {string} name the file name in dist/ (`dist/<name>.js`, `.d.ts`, `.iife.min.js`) and,
 *   except for the core, the subpath: `tokenvault/<name>`
 * @property {string} source the TypeScript entry module
 * @property {string[]} values the names of the values it exports, sorted (types are in api/<name>.d.ts)
 * @property {string[]} [peers] peer dependencies the app supplies: never bundled, never measured
 * @property {{ [peer: string]: string }} [pageImports] for the in-browser import test: the browser
 *   ES build of each peer, as a path under node_modules/ (an entry with peers and none of these is
 *   not imported in a page; its example app is)
 * @property {string} [iife] the global a <script> build puts the entry on; without it there is no IIFE
 * @property {{ es: Budget, iife?: Budget, lazy?: { [chunk: string]: Budget } }} budget every build of the
 *   entry has one; `lazy` has one for each chunk that a dynamic import() in the entry's ES build makes,
 *   by the name of the module the import() loads (it is measured on its own, and not in `es`)
 */

/** The core: what `import … from 'tokenvault'` and the CDN <script> tag give. Other entries import it. */
export const CORE = 'tokenvault';

/** @type {Entry[]} */
export const ENTRIES = [
  {
    name: CORE,
    source: 'src/index.ts',
    values: ['TokenVaultError', 'beginSignIn', 'cognito', 'completeSignIn', 'createSession', 'discover', 'endSessionUrl', 'oauth2', 'signOutAtProvider'],
    iife: 'TokenVault',
    // The core's budgets were 6.0 KB (ES) and 8.0 KB (IIFE). The reshape into modules with ports,
    // the pacing and storage-fault rules, the provider hardening (redaction, the http rule,
    // timeouts), and session.fetch's allowed origins took the ES build past its budget; the IIFE
    // also carries DPoP, the authorized fetch and sign-out at the provider. These ceilings are the
    // measured sizes plus a little headroom, so any further growth fails npm test. The README's
    // Size section has the numbers.
    budget: {
      es: {
        brotliKB: 9.3,
        imports: ['createSession', 'oauth2'],
        // Protocol strings that only that code sends; minifiers leave string literals alone.
        mustNotContain: {
          Cognito: ['AWSCognitoIdentityProviderService', 'REFRESH_TOKEN_AUTH'],
          'PKCE sign-in': ['code_challenge', 'tokenvault:signin:'],
          'JWS verification': ['ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
          DPoP: ['dpop+jwt', 'use_dpop_nonce'],
          'the authorized fetch (a lazy chunk)': ['www-authenticate'],
          'sign-out at the provider': ['post_logout_redirect_uri'],
        },
      },
      iife: { brotliKB: 13.5 },
      // oauth2({ dpop: true }) loads src/dpop/ the first time it is needed (the IIFE carries it inline).
      // DPoP's budget is issue 12's; the authorized fetch's, the measured size plus a little headroom.
      lazy: { 'dpop-signer': { brotliKB: 2.0 }, 'authorized-fetch': { brotliKB: 1.0 } },
    },
  },
  {
    name: 'verify',
    source: 'src/verify.ts',
    values: ['createVerifier'],
    iife: 'TokenVaultVerify',
    budget: { es: { brotliKB: 7.0 }, iife: { brotliKB: 7.0 } },
  },
  // The framework wrappers: ES only (a framework app has a bundler); the framework is the app's.
  {
    name: 'react',
    source: 'src/react/index.ts',
    values: ['RequireSignIn', 'SessionProvider', 'SignInCallback', 'useSession', 'useSignInCallback'],
    peers: ['react'],
    budget: { es: { brotliKB: 1.0 } },
  },
  {
    name: 'vue',
    source: 'src/vue/index.ts',
    values: ['signInGuard', 'tokenVault', 'useFetch', 'useSession', 'useSignIn', 'useSignInCallback'],
    peers: ['vue'],
    pageImports: { vue: 'vue/dist/vue.esm-browser.prod.js' },
    budget: { es: { brotliKB: 1.0 } },
  },
];

/** The package subpath of an entry: `.` for the core, `./<name>` for the others. */
export const subpathOf = (/** @type {Entry} */ entry) => (entry.name === CORE ? '.' : `./${entry.name}`);

/** The `exports` map package.json must have: one line per entry, types first. */
export function exportsMap() {
  /** @type {Record<string, string | { types: string, import: string }>} */
  const map = {};
  for (const entry of ENTRIES) {
    map[subpathOf(entry)] = { types: `./dist/${entry.name}.d.ts`, import: `./dist/${entry.name}.js` };
  }
  map['./package.json'] = './package.json';
  return map;
}

/** The `typesVersions` package.json must have, so `moduleResolution: node` (node10) finds every subpath's types. */
export function typesVersions() {
  /** @type {Record<string, string[]>} */
  const paths = {};
  for (const entry of ENTRIES) if (entry.name !== CORE) paths[entry.name] = [`./dist/${entry.name}.d.ts`];
  return { '*': paths };
}
