import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          environment: 'happy-dom',
          setupFiles: ['test/setup.ts'],
          restoreMocks: true,
        },
      },
      {
        // The built package without a browser: manifest, dist/ files, type report, Node imports, sizes, lints.
        test: {
          name: 'package',
          include: ['package-test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['package-test/global-setup.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          // No browser, no run: one line says what to install.
          globalSetup: ['e2e/support/global-setup.ts'],
          // One browser and one provider per file; files run one at a time on a 2-core machine.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
