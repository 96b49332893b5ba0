import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath, missingBrowserMessage } from './chromium.mjs';

export { chromiumPath, missingBrowserMessage };

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
  return chromium.launch({ executablePath: requireChromium(), headless: true, args: [...CHROMIUM_FLAGS] });
}
