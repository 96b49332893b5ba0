import { chromiumPath, missingBrowserMessage } from './browser.js';
import { existsSync } from 'node:fs';

/** Vitest global setup of the e2e project: no browser, no run — said in one line. */
export default function setup(): void {
  const path = chromiumPath();
  if (!existsSync(path)) {
    console.error(missingBrowserMessage(path));
    process.exit(1);
  }
}
