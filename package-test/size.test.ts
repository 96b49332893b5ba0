// The size budgets of entries.mjs, measured as `npm run size` prints them (bench/measure.mjs): every
// build under its budget, and no capability in a bundle whose budget says it must stay out.
import { describe, expect, it } from 'vitest';
import { kb, leaks, measureBuilds } from '../bench/measure.mjs';

const measured = await measureBuilds();

describe('size budgets (minified, brotli quality 11)', () => {
  for (const build of measured) {
    const budget = build.budget.brotliKB * 1024;
    it(`${build.label}: ${kb(build.brotliBytes)} of ${kb(budget)}`, () => {
      expect(build.brotliBytes, `${build.label} is ${kb(build.brotliBytes)} brotli, over its budget of ${kb(budget)}`).toBeLessThanOrEqual(budget);
    });
  }
});

describe('what stays out of a bundle', () => {
  for (const build of measured.filter(({ budget }) => budget.mustNotContain !== undefined)) {
    const capabilities = Object.keys(build.budget.mustNotContain!);
    it(`${build.label} has no ${capabilities.join(', ')} code`, () => {
      expect(leaks(build), `found in ${build.label}`).toEqual([]);
    });

    // A marker no build contains would pass forever; each must give its code away somewhere else.
    it(`the markers of ${capabilities.join(', ')} occur in another build`, () => {
      const markers = Object.values(build.budget.mustNotContain!).flat();
      const unseen = markers.filter((marker) => !measured.some((other) => other !== build && other.code.includes(marker)));
      expect(unseen, 'markers found in no build').toEqual([]);
    });
  }
});
