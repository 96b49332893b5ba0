// The published package, checked on the built files without a browser: the manifest, the files in dist/,
// their source maps, the values each IIFE puts on its global and the committed type report. A change to
// api/ is a change to the public API: update it on purpose
// (`npx vitest run --project package package-test/surface.test.ts -u`).
import { readdirSync, readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CORE, ENTRIES, exportsMap, typesVersions } from '../entries.mjs';

const root = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const json = (value: unknown): string => JSON.stringify(value, null, 2);

interface PackageJson {
  exports: unknown;
  typesVersions?: unknown;
  types: string;
  files: string[];
  sideEffects: unknown;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
const pkg = JSON.parse(read('package.json')) as PackageJson;
const core = ENTRIES.find((entry) => entry.name === CORE)!;

describe('package.json', () => {
  it('has one exports line per entry in entries.mjs, types first (the expected value is the exact JSON)', () => {
    expect(json(pkg.exports)).toBe(json(exportsMap()));
    expect(pkg.types).toBe(`./dist/${CORE}.d.ts`);
  });

  it('maps every subpath to its types for moduleResolution node (node10), which reads no exports map', () => {
    expect(json(pkg.typesVersions)).toBe(json(typesVersions()));
  });

  it('depends on idb-keyval and jose only, by ^ ranges, so an app with its own copy ships one', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['idb-keyval', 'jose']);
    for (const [name, range] of Object.entries(pkg.dependencies)) expect(range, name).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(pkg.sideEffects).toBe(false);
  });

  it("declares each entry's peers as optional peer dependencies", () => {
    for (const peer of ENTRIES.flatMap((entry) => entry.peers ?? [])) {
      expect(pkg.peerDependencies?.[peer], peer).toBeDefined();
      expect(pkg.peerDependenciesMeta?.[peer]?.optional, peer).toBe(true);
    }
  });

  it('ships dist/ and the README', () => {
    expect(pkg.files).toEqual(['dist', 'README.md']);
  });
});

describe('dist/', () => {
  it('holds exactly the builds of the entries in entries.mjs and their lazy chunks, each script with its source map', () => {
    const lazy = ENTRIES.flatMap((entry) => Object.keys(entry.budget.lazy ?? {}));
    const expected = ENTRIES.flatMap((entry) => [
      `${entry.name}.d.ts`,
      `${entry.name}.js`,
      `${entry.name}.js.map`,
      ...(entry.iife === undefined ? [] : [`${entry.name}.iife.min.js`, `${entry.name}.iife.min.js.map`]),
    ]);
    expected.push(...(lazy.length > 0 ? ['chunks'] : []), ...lazy.flatMap((name) => [`chunks/${name}-HASH.js`, `chunks/${name}-HASH.js.map`]));
    // A chunk's name ends in a content hash (rollup's chunkFileNames), which changes with its code.
    const files = readdirSync(new URL('dist/', root), { recursive: true }).map((file) => `${file}`.replace(/^(chunks\/.+)-[\w-]{8}(\.js)/, '$1-HASH$2'));
    expect(files.sort()).toEqual(expected.sort());
  });

  const scripts = readdirSync(new URL('dist/', root), { recursive: true }).map(String).filter((file) => file.endsWith('.js'));
  it.each(scripts)('%s has a source map that carries every source it names', (script) => {
    const name = script.split('/').pop()!;
    expect(read(`dist/${script}`).trimEnd().endsWith(`//# sourceMappingURL=${name}.map`)).toBe(true);
    const map = JSON.parse(read(`dist/${script}.map`)) as { file: string; sources: string[]; sourcesContent?: unknown[] };
    expect(map.file).toBe(name);
    expect(map.sources.length).toBeGreaterThan(0);
    // src/ is not in the package, so a map that only points at ../src/*.ts shows a debugger nothing.
    expect(map.sourcesContent?.length).toBe(map.sources.length);
    const missing = map.sources.filter((_, i) => typeof map.sourcesContent?.[i] !== 'string' || map.sourcesContent[i] === '');
    expect(missing).toEqual([]);
  });

  for (const entry of ENTRIES) {
    it(`dist/${entry.name}.d.ts declares the public types it did before (api/ is the committed report)`, async () => {
      await expect(read(`dist/${entry.name}.d.ts`)).toMatchFileSnapshot(`../api/${entry.name}.d.ts`);
    });
  }

  for (const entry of ENTRIES.filter(({ iife }) => iife !== undefined)) {
    it(`dist/${entry.name}.iife.min.js puts the values of the ES entry on window.${entry.iife}`, () => {
      // What the IIFEs touch while they load; running them is the browser test's job.
      const window: Record<string, unknown> = { TextEncoder, TextDecoder, URL };
      if (entry !== core) runInNewContext(read(`dist/${core.name}.iife.min.js`), window);
      runInNewContext(read(`dist/${entry.name}.iife.min.js`), window);
      expect(Object.keys(window[entry.iife!] as object).sort()).toEqual(entry.values);
    });
  }
});
