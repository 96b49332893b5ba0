// Prints the minified + brotli size of what a user ships: the ES entry as a
// bundler would tree-shake it for `createSession` + `oauth2`, and the IIFE.
// Run `npm run build` first. Budgets (issue 2): ES ≤ 5 KB, IIFE ≤ 7 KB.
import { existsSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import virtual from './virtual-entry.mjs';

const brotli = (code) =>
  brotliCompressSync(Buffer.from(code), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;

async function bundle(entryCode) {
  const build = await rollup({
    input: 'entry',
    plugins: [virtual(entryCode), nodeResolve({ browser: true }), terser({ format: { comments: false } })],
    onwarn: () => {},
  });
  const { output } = await build.generate({ format: 'es' });
  await build.close();
  return output[0].code;
}

if (!existsSync('dist/tokenvault.js')) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}

const rows = [];
const es = await bundle(
  `export { createSession, oauth2 } from ${JSON.stringify(new URL('../dist/tokenvault.js', import.meta.url).pathname)};`,
);
rows.push(['ES entry (createSession + oauth2, deps included)', es.length, brotli(es), 5 * 1024]);
const iife = readFileSync('dist/tokenvault.iife.min.js', 'utf8');
rows.push(['IIFE (dist/tokenvault.iife.min.js)', iife.length, brotli(iife), 7 * 1024]);
const verify = await bundle(
  `export * from ${JSON.stringify(new URL('../dist/verify.js', import.meta.url).pathname)};`,
);
rows.push(['verify entry (tokenvault/verify, jose included)', verify.length, brotli(verify), undefined]);
const verifyIife = readFileSync('dist/verify.iife.min.js', 'utf8');
rows.push(['verify IIFE (dist/verify.iife.min.js)', verifyIife.length, brotli(verifyIife), undefined]);

for (const [label, min, br, budget] of rows) {
  const verdict = budget === undefined ? '' : br <= budget ? `  (budget ${kb(budget)}: ok)` : `  (budget ${kb(budget)}: OVER)`;
  console.log(`${label.padEnd(52)} ${kb(min).padStart(10)} min  ${kb(br).padStart(9)} brotli${verdict}`);
}
