// tokenvault/react and tokenvault/vue as published: loaded by Node through the exports map,
// importing the core as `tokenvault` (no second copy inside), declared as before (api/), and
// within their size budget. Run after `npm run build`; `-u` updates api/ on purpose.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';
import { describe, expect, it } from 'vitest';
import virtual from '../bench/virtual-entry.mjs';

const root = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** Issue 11: each wrapper entry ≤ 1.0 KB brotli, minified, with the framework and the core left out. */
const BUDGET = 1024;

const WRAPPERS = {
  react: ['RequireSignIn', 'SessionProvider', 'SignInCallback', 'useSession', 'useSignInCallback'],
  vue: ['signInGuard', 'tokenVault', 'useFetch', 'useSession', 'useSignIn', 'useSignInCallback'],
} as const;

/** What an app's bundler ships for `import * from 'tokenvault/<name>'`: minified, imports left as imports. */
async function shipped(name: string): Promise<string> {
  const build = await rollup({
    input: 'entry',
    external: ['react', 'vue', 'tokenvault'],
    plugins: [virtual(`export * from ${JSON.stringify(new URL(`dist/${name}.js`, root).pathname)};`), terser({ format: { comments: false } })],
  });
  const { output } = await build.generate({ format: 'es' });
  await build.close();
  return output[0].code;
}

describe.each(Object.entries(WRAPPERS))('tokenvault/%s', (name, values) => {
  it('loads in Node through the exports map and exports what it did', () => {
    // A child process, as a user's tooling would: Node resolves `tokenvault/…` and `tokenvault` by the exports map.
    const script = `import(${JSON.stringify(`tokenvault/${name}`)}).then((m) => console.log(JSON.stringify(Object.keys(m).sort())))`;
    const keys = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(keys)).toEqual([...values]);
  });

  it('imports the core as `tokenvault` and carries none of it', () => {
    const code = read(`dist/${name}.js`);
    expect(code).toMatch(/from 'tokenvault';/);
    for (const coreOnly of ['AES-GCM', 'idb-keyval', 'decodeJwt', 'refresh_token']) expect(code).not.toContain(coreOnly);
  });

  it(`is at most ${BUDGET} bytes brotli`, async () => {
    const code = await shipped(name);
    const size = brotliCompressSync(Buffer.from(code), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    console.log(`tokenvault/${name}: ${code.length} B min, ${size} B brotli (budget ${BUDGET} B)`);
    expect(size).toBeLessThanOrEqual(BUDGET);
  });

  it('declares the public types it did before (api/ is the committed report)', async () => {
    await expect(read(`dist/${name}.d.ts`)).toMatchFileSnapshot(`../api/${name}.d.ts`);
  });
});
