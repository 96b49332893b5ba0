// Where Debian's Chromium is and the flags it runs with here (see shared/DESIGN.md);
// shared by the e2e launcher and the bench scripts.

/** Flags that work in this environment: headless, no sandbox as root, no calls home. */
export const CHROMIUM_FLAGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

/** The Chromium to drive: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath() {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** One line that says what is missing and how to get it. */
export function missingBrowserMessage(path) {
  return `No Chromium at ${path}: run \`apt-get install chromium\` (or set CHROMIUM_PATH).`;
}
