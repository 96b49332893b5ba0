// @ts-check
// Measures what a user ships of every build that has a budget in entries.mjs: minified, then brotli
// (quality 11). Read by `npm run size` and by the size test, so both report the same numbers.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';
import { CORE, ENTRIES } from '../entries.mjs';
import virtual from './virtual-entry.mjs';

/** @typedef {import('../entries.mjs').Entry} Entry */
/** @typedef {import('../entries.mjs').Budget} Budget */

/**
 * @typedef {object} Measurement
 * @property {string} label what was measured, as the table and the test print it
 * @property {Entry} entry
 * @property {'es' | 'lazy' | 'iife'} build
 * @property {Budget} budget
 * @property {string} code the minified code
 * @property {number} minBytes
 * @property {number} brotliBytes
 */

const distFile = (/** @type {string} */ name) => fileURLToPath(new URL(`../dist/${name}`, import.meta.url));

/** Brotli at quality 11, the way CDNs serve it. */
export const brotliSize = (/** @type {string} */ code) =>
  brotliCompressSync(Buffer.from(code), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/**
 * The entry's ES build as an app's bundler ships it: tree-shaken to `imports`, dependencies inside,
 * minified. Peers are the app's own, and another entry's use of the core is counted in the core.
 * `code` is what loads with the app (the entry and every chunk it imports statically); each `lazy`
 * chunk is what a dynamic import() loads on top of that, by the name of the module it starts from.
 * @param {Entry} entry
 * @param {string[] | undefined} imports
 * @returns {Promise<{ code: string, lazy: Map<string, string> }>}
 */
async function bundleAsAnApp(entry, imports) {
  const file = JSON.stringify(distFile(`${entry.name}.js`));
  const core = distFile(`${CORE}.js`);
  const peers = entry.peers ?? [];
  const build = await rollup({
    input: 'entry',
    external: (id) => peers.some((peer) => id === peer || id.startsWith(`${peer}/`)) || (entry.name !== CORE && id === core),
    plugins: [
      virtual(imports === undefined ? `export * from ${file};` : `export { ${imports.join(', ')} } from ${file};`),
      nodeResolve({ browser: true }),
      terser({ format: { comments: false } }),
    ],
    onwarn: () => {},
  });
  // The core is imported as `tokenvault`, as in an app: not by this checkout's path, whose length
  // would change the measure from one machine to the next.
  const { output } = await build.generate({ format: 'es', chunkFileNames: '[name]-[hash].js', paths: { [core]: CORE } });
  await build.close();
  const chunks = new Map(output.flatMap((item) => (item.type === 'chunk' ? [[item.fileName, item]] : [])));
  /** The chunk and every chunk it imports statically, minus those in `loaded`. @param {string} start @param {Set<string>} loaded */
  const staticClosure = (start, loaded) => {
    const found = new Set();
    const visit = (/** @type {string} */ name) => {
      if (found.has(name) || loaded.has(name)) return;
      found.add(name);
      for (const imported of chunks.get(name)?.imports ?? []) visit(imported);
    };
    visit(start);
    return found;
  };
  const codeOf = (/** @type {Set<string>} */ names) => [...names].map((name) => chunks.get(name)?.code ?? '').join('\n');
  const withApp = staticClosure(output[0].fileName, new Set());
  const lazy = new Map();
  for (const chunk of chunks.values()) {
    // Named after dist/chunks/<name>-<hash>.js, the module the import() loads.
    if (chunk.isDynamicEntry) lazy.set(chunk.name.replace(/-[\w-]{8}$/, ''), codeOf(staticClosure(chunk.fileName, withApp)));
  }
  return { code: codeOf(withApp), lazy };
}

/** @param {Entry} entry @param {Budget} budget */
function esLabel(entry, budget) {
  const what = budget.imports === undefined ? 'everything' : budget.imports.join(' + ');
  const subpath = entry.name === CORE ? CORE : `${CORE}/${entry.name}`;
  return `${subpath} ES (${what}, bundled)`;
}

/**
 * Measures every budgeted build of every entry, and every lazy chunk of an ES build against its
 * budget in `lazy` (a chunk without one is an error: a new dynamic import needs a budget). Needs
 * dist/ (`npm run build`).
 */
export async function measureBuilds() {
  /** @type {Measurement[]} */
  const measured = [];
  const measure = (/** @type {Omit<Measurement, 'minBytes' | 'brotliBytes'>} */ build) =>
    measured.push({ ...build, minBytes: build.code.length, brotliBytes: brotliSize(build.code) });
  for (const entry of ENTRIES) {
    const { es, iife, lazy = {} } = entry.budget;
    const { code, lazy: chunks } = await bundleAsAnApp(entry, es.imports);
    measure({ label: esLabel(entry, es), entry, build: 'es', budget: es, code });
    for (const [name, chunkCode] of chunks) {
      const budget = lazy[name];
      if (budget === undefined) throw new Error(`${entry.name}: the lazy chunk ${name} has no budget in entries.mjs (budget.lazy).`);
      measure({ label: `  + lazy chunk ${name} (import() on first use)`, entry, build: 'lazy', budget, code: chunkCode });
    }
    if (entry.iife !== undefined && iife !== undefined) {
      const iifeCode = readFileSync(distFile(`${entry.name}.iife.min.js`), 'utf8');
      measure({ label: `dist/${entry.name}.iife.min.js`, entry, build: 'iife', budget: iife, code: iifeCode });
    }
  }
  return measured;
}

/** The bundle's capabilities that its budget says must not be in it, with the markers that gave them away. */
export function leaks(/** @type {Measurement} */ measurement) {
  return Object.entries(measurement.budget.mustNotContain ?? {})
    .map(([capability, markers]) => ({ capability, found: markers.filter((marker) => measurement.code.includes(marker)) }))
    .filter(({ found }) => found.length > 0);
}

export const kb = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(2)} KB`;
