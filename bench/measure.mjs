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
 * @property {'es' | 'iife'} build
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
 * @param {Entry} entry
 * @param {string[] | undefined} imports
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
  const { output } = await build.generate({ format: 'es' });
  await build.close();
  return output[0].code;
}

/** @param {Entry} entry @param {Budget} budget */
function esLabel(entry, budget) {
  const what = budget.imports === undefined ? 'everything' : budget.imports.join(' + ');
  const subpath = entry.name === CORE ? CORE : `${CORE}/${entry.name}`;
  return `${subpath} ES (${what}, bundled)`;
}

/** Measures every budgeted build of every entry; needs dist/ (`npm run build`). */
export async function measureBuilds() {
  /** @type {Measurement[]} */
  const measured = [];
  for (const entry of ENTRIES) {
    const { es, iife } = entry.budget;
    const esCode = await bundleAsAnApp(entry, es.imports);
    measured.push({ label: esLabel(entry, es), entry, build: 'es', budget: es, code: esCode, minBytes: esCode.length, brotliBytes: brotliSize(esCode) });
    if (entry.iife !== undefined && iife !== undefined) {
      const iifeCode = readFileSync(distFile(`${entry.name}.iife.min.js`), 'utf8');
      measured.push({ label: `dist/${entry.name}.iife.min.js`, entry, build: 'iife', budget: iife, code: iifeCode, minBytes: iifeCode.length, brotliBytes: brotliSize(iifeCode) });
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
