// Every ```ts and ```tsx block of the README is a file in test/readme/, which `npm run typecheck` compiles
// as an app would (strict, exactOptionalPropertyTypes) against the published declarations.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Paths, not URLs: happy-dom's URL does not know file: URLs.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/^```tsx?\n(.*?)^```$/gms)].map((match) => match[1]!);
const folder = join(root, 'test', 'readme');
const examples = readdirSync(folder)
  .filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'))
  .map((file) => [file, readFileSync(join(folder, file), 'utf8')] as const);

describe('the README examples', () => {
  it.each(blocks.map((block) => [block.split('\n', 1)[0], block]))('%s… is type-checked as test/readme/*.ts', (_, block) => {
    // A new or changed block: copy it into a file of test/readme/ (a stub for what it takes
    // from around it goes in globals.d.ts), and `npm run typecheck`.
    expect(examples.map(([, text]) => text)).toContain(block);
  });

  it('has no file in test/readme/ that is not in the README any more', () => {
    expect(examples.filter(([, text]) => !blocks.includes(text)).map(([file]) => file)).toEqual([]);
  });
});
