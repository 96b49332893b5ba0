// Vite, as a React app is built. One difference from your app: this example lives inside the
// tokenvault package, so `tokenvault` and `tokenvault/react` are resolved through the package's
// own exports map to its built dist/ (run `npm run build` first). In your app, `npm install
// tokenvault` and leave `resolve` out.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const packageRoot = new URL('../../', import.meta.url);
const { name, exports } = JSON.parse(readFileSync(new URL('package.json', packageRoot), 'utf8')) as {
  name: string;
  exports: Record<string, string | { import: string }>;
};
const entryPoints = Object.entries(exports).flatMap(([subpath, target]) =>
  typeof target === 'string' ? [] : [{ find: name + subpath.slice(1), replacement: fileURLToPath(new URL(target.import, packageRoot)) }],
);

export default defineConfig({
  plugins: [react()],
  // Exact names only: `tokenvault` must not also match `tokenvault/react`.
  resolve: { alias: entryPoints.map(({ find, replacement }) => ({ find: new RegExp(`^${find}$`), replacement })) },
});
