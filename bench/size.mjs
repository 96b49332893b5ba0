// Prints the minified + brotli size of every build that has a budget in entries.mjs, as a user ships it:
// an ES entry as a bundler tree-shakes it for what an app imports, an IIFE as the file is.
// Run `npm run build` first. `npm test` enforces the same budgets (package-test/size.test.ts).
import { existsSync } from 'node:fs';
import { kb, leaks, measureBuilds } from './measure.mjs';

if (!existsSync(new URL('../dist/', import.meta.url))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}

for (const measured of await measureBuilds()) {
  const budget = measured.budget.brotliKB * 1024;
  const verdict = measured.brotliBytes <= budget ? 'ok' : 'OVER';
  const leaked = leaks(measured).map(({ capability }) => `  contains ${capability}!`).join('');
  console.log(
    `${measured.label.padEnd(56)} ${kb(measured.minBytes).padStart(9)} min ${kb(measured.brotliBytes).padStart(8)} brotli` +
      `  (budget ${kb(budget)}: ${verdict})${leaked}`,
  );
}
