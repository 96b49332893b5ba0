import { existsSync } from 'node:fs';

/** Vitest global setup of the package project: these tests check dist/, so without it they say how to make it. */
export default function setup(): void {
  if (!existsSync(new URL('../dist/', import.meta.url))) {
    console.error('dist/ is missing: run `npm run build` first (npm test does).');
    process.exit(1);
  }
}
