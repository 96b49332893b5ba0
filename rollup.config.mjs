// Three builds of every entry point in entries.mjs: an ES module for bundlers (dist/<name>.js), its bundled
// types (dist/<name>.d.ts) and, where the entry names a global, an IIFE for a <script> tag
// (dist/<name>.iife.min.js). An entry other than the core never carries a copy of the core: its imports
// of the core become imports of dist/tokenvault.js (ES) or reads of window.TokenVault (IIFE), so
// `instanceof TokenVaultError` holds across entries.
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { CORE, ENTRIES } from './entries.mjs';

// dist/ holds exactly what this config builds (package-test/surface.test.ts checks it): no file of an
// entry that is gone, or of a build that changed its name, is packed by accident.
rmSync('dist', { recursive: true, force: true });

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const packages = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
const core = ENTRIES.find((entry) => entry.name === CORE);

/** Whether `id` is one of the packages an app installs next to ours (or a subpath of one). */
const isPackage = (id) => packages.some((name) => id === name || id.startsWith(`${name}/`));

// The id the core goes by in other entries' builds, rewritten per format below.
const CORE_ID = '\0tokenvault-core';
const CORE_PATH = `./${CORE}.js`;
// The modules whose identity must be shared: the core's entry, and errors.ts for TokenVaultError.
const CORE_MODULES = new Set([resolve(core.source), resolve('src/errors.ts')]);

/**
 * In an entry other than the core, makes the core external: `tokenvault` itself, and any of our own
 * imports that resolves to one of CORE_MODULES. It looks at resolved paths, so a dependency's own
 * `errors.js` (jose has one) is bundled as usual. What the entry takes from the core must be among
 * the core's exported values: errors.ts has helpers the core does not export.
 */
function coreAsExternal() {
  return {
    ...coreAsExternalId(),
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        // Keyed by the import as written out: the core's path in an ES build, its id in an IIFE.
        const taken = [CORE_ID, CORE_PATH].flatMap((id) => chunk.importedBindings?.[id] ?? []);
        const missing = taken.filter((name) => !core.values.includes(name));
        if (missing.length > 0) this.error(`${chunk.fileName} imports ${missing.join(', ')} from the core, which does not export it.`);
      }
    },
  };
}

/** The resolving half of coreAsExternal, alone: the types build takes the core's types too, not only its values. */
function coreAsExternalId() {
  return {
    name: 'core-as-external',
    async resolveId(source, importer, options) {
      if (source === CORE) return { id: CORE_ID, external: true };
      if (importer === undefined || !importer.startsWith(resolve('src'))) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved !== null && CORE_MODULES.has(resolved.id) ? { id: CORE_ID, external: true } : null;
    },
  };
}

const sharedCore = (entry) => (entry === core ? [] : [coreAsExternal()]);

// inlineSources: the maps carry our TypeScript, which the package does not ship (a map that only
// points at ../src/*.ts shows a debugger nothing).
const ts = () =>
  typescript({ tsconfig: './tsconfig.json', noEmit: false, declaration: false, sourceMap: true, inlineSources: true });
// Our own artifact, so our own minifier settings: the code is ES2022 already, and extra passes
// find what one pass leaves (about 45 bytes brotli).
const minify = () => terser({ ecma: 2020, compress: { passes: 3 }, format: { comments: false } });

/** ES module for bundlers: dependencies stay imports, so the app's bundler dedupes and tree-shakes them. */
function esBuild(entry) {
  return {
    input: entry.source,
    external: isPackage,
    output: {
      file: `dist/${entry.name}.js`,
      format: 'es',
      sourcemap: true,
      paths: { [CORE_ID]: CORE_PATH },
    },
    plugins: [...sharedCore(entry), ts()],
  };
}

/** IIFE for a <script> tag: dependencies inside, minified, on window[entry.iife]. */
function iifeBuild(entry) {
  return {
    input: entry.source,
    external: (id) => id === CORE_ID || (entry.peers ?? []).includes(id),
    output: {
      file: `dist/${entry.name}.iife.min.js`,
      format: 'iife',
      name: entry.iife,
      sourcemap: true,
      globals: { [CORE_ID]: core.iife },
    },
    plugins: [...sharedCore(entry), nodeResolve({ browser: true }), ts(), minify()],
  };
}

/** The entry's public types in one file; the committed report in api/ is compared with it. */
function typesBuild(entry) {
  return {
    input: entry.source,
    external: (id) => id === CORE || isPackage(id),
    // Another entry's declarations import the core's from `tokenvault`, rather than declaring copies.
    output: { file: `dist/${entry.name}.d.ts`, format: 'es', paths: { [CORE_ID]: CORE } },
    plugins: [...(entry === core ? [] : [coreAsExternalId()]), dts()],
  };
}

export default ENTRIES.flatMap((entry) => [
  esBuild(entry),
  ...(entry.iife === undefined ? [] : [iifeBuild(entry)]),
  typesBuild(entry),
]);
