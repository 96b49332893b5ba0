import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Flags that work in this environment (see shared/DESIGN.md). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium to drive: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
}

/** One line that says what is missing and how to get it. */
export function missingBrowserMessage(path: string): string {
  return `No Chromium at ${path}: run \`apt-get install chromium\` (or set CHROMIUM_PATH) to run the e2e tests.`;
}

/** Throws a stack-less, one-line error when there is no browser to launch. */
export function requireChromium(): string {
  const path = chromiumPath();
  if (!existsSync(path)) {
    const error = new Error(missingBrowserMessage(path));
    error.stack = error.message;
    throw error;
  }
  return path;
}

/**
 * Launches headless Chromium. Playwright gives every launch a fresh, temporary
 * user-data dir (removed on close), and every `browser.newContext()` is a fresh
 * profile of its own: empty IndexedDB, storage and cookies.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: requireChromium(), headless: true, args: FLAGS });
}
