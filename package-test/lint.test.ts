// The package as npm packs it, checked by publint (package.json against the files) and
// @arethetypeswrong/cli (types resolved the way each TypeScript moduleResolution does). The one rule
// ignored, cjs-resolves-to-esm, is the README's "Development" section's to explain.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Runs a CLI from node_modules/.bin in the package root; its output, or the error with its output. */
function run(bin: string, args: string[]): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(`node_modules/.bin/${bin}`, args, { cwd: root, encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${stdout}${stderr}` };
  }
}

it('publint finds nothing, not even a suggestion', () => {
  const { ok, output } = run('publint', ['--strict']);
  expect(output).toContain('All good!');
  expect(ok).toBe(true);
});

it('arethetypeswrong finds no problem for any entry under node10, node16 and bundler resolution', () => {
  const { ok, output } = run('attw', ['--pack', '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'ascii']);
  expect(output).toContain('No problems found');
  expect(ok).toBe(true);
});
