// The published surface, checked on the built files: what `npm install tokenvault`
// and the CDN <script> tag give a user. A change here is a change to the public API:
// update api/ on purpose (`npx vitest run --project e2e e2e/package-surface.test.ts -u`).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

const VALUES = ['TokenVaultError', 'beginSignIn', 'cognito', 'completeSignIn', 'createSession', 'discover', 'oauth2'];

describe('the published package', () => {
  it('exports the same values from the ES module and the IIFE global', async () => {
    const esm = (await import(new URL('dist/tokenvault.js', root).href)) as Record<string, unknown>;
    expect(Object.keys(esm).sort()).toEqual(VALUES);
    const sandbox: { TokenVault?: Record<string, unknown>; TextEncoder: unknown; TextDecoder: unknown } = { TextEncoder, TextDecoder };
    runInNewContext(read('dist/tokenvault.iife.min.js'), sandbox);
    expect(Object.keys(sandbox.TokenVault ?? {}).sort()).toEqual(VALUES);
  });

  it('loads tokenvault/verify from a <script> tag too, sharing TokenVaultError with window.TokenVault', () => {
    const sandbox = { TextEncoder, TextDecoder, URL } as {
      TokenVault?: { TokenVaultError: new (...args: never[]) => Error };
      TokenVaultVerify?: { createVerifier(options: unknown): unknown };
    };
    runInNewContext(read('dist/tokenvault.iife.min.js'), sandbox);
    runInNewContext(read('dist/verify.iife.min.js'), sandbox);
    expect(Object.keys(sandbox.TokenVaultVerify ?? {})).toEqual(['createVerifier']);
    let thrown: unknown;
    try {
      sandbox.TokenVaultVerify!.createVerifier({});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(sandbox.TokenVault!.TokenVaultError);
    expect(thrown).toMatchObject({ code: 'invalid_config' });
  });

  it('declares the public types it did before (api/ is the committed report)', async () => {
    await expect(read('dist/tokenvault.d.ts')).toMatchFileSnapshot('../api/tokenvault.d.ts');
    await expect(read('dist/verify.d.ts')).toMatchFileSnapshot('../api/verify.d.ts');
  });

  it('points its exports map at files the build made, with runtime dependencies idb-keyval and jose only', () => {
    const pkg = createRequire(import.meta.url)('../package.json') as {
      exports: Record<string, string | Record<string, string>>;
      dependencies: Record<string, string>;
      sideEffects: boolean;
    };
    const targets = Object.values(pkg.exports).flatMap((entry) => (typeof entry === 'string' ? [entry] : Object.values(entry)));
    for (const target of targets) expect(existsSync(new URL(target, root)), target).toBe(true);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['idb-keyval', 'jose']);
    expect(pkg.sideEffects).toBe(false);
  });
});
