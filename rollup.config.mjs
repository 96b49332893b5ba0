import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const isErrorsModule = (id) => /(^|[\\/])errors(\.js|\.ts)?$/.test(id);
const ts = () => typescript({ tsconfig: './tsconfig.json', noEmit: false, declaration: false, sourceMap: true });

export default [
  // ES module for bundlers: dependencies stay imports so the app's bundler dedupes and tree-shakes them.
  {
    input: 'src/index.ts',
    external: ['idb-keyval', 'jose'],
    output: { file: 'dist/tokenvault.js', format: 'es', sourcemap: true },
    plugins: [ts()],
  },
  // IIFE for a <script> tag: everything inside, minified, on window.TokenVault.
  {
    input: 'src/index.ts',
    output: { file: 'dist/tokenvault.iife.min.js', format: 'iife', name: 'TokenVault', sourcemap: true },
    plugins: [
      nodeResolve({ browser: true }),
      ts(),
      // Our own artifact, so our own minifier settings: the code is ES2022 already, and extra passes
      // find what one pass leaves (about 45 bytes brotli).
      terser({ ecma: 2020, compress: { passes: 3 }, format: { comments: false } }),
    ],
  },
  {
    input: 'src/index.ts',
    output: { file: 'dist/tokenvault.d.ts', format: 'es' },
    plugins: [dts()],
  },
  // tokenvault/verify: its own entry so the core does not ship jose's JWS/JWKS code. It imports
  // TokenVaultError from the main entry, so `instanceof` holds across both.
  {
    input: 'src/verify.ts',
    external: (id) => id === 'jose' || isErrorsModule(id),
    output: {
      file: 'dist/verify.js',
      format: 'es',
      sourcemap: true,
      paths: (id) => (isErrorsModule(id) ? './tokenvault.js' : id),
    },
    plugins: [ts()],
  },
  // The same for a <script> tag, after tokenvault.iife.min.js: jose inside, TokenVaultError taken
  // from window.TokenVault, everything on window.TokenVaultVerify.
  {
    input: 'src/verify.ts',
    external: isErrorsModule,
    output: {
      file: 'dist/verify.iife.min.js',
      format: 'iife',
      name: 'TokenVaultVerify',
      sourcemap: true,
      globals: (id) => (isErrorsModule(id) ? 'TokenVault' : id),
    },
    plugins: [
      nodeResolve({ browser: true }),
      ts(),
      terser({ ecma: 2020, compress: { passes: 3 }, format: { comments: false } }),
    ],
  },
  {
    input: 'src/verify.ts',
    external: ['jose'],
    output: { file: 'dist/verify.d.ts', format: 'es' },
    plugins: [dts()],
  },
];
