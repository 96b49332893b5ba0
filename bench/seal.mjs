// What persistence costs a user, in headless Chromium: `setTokens()` (parse + seal + IndexedDB
// write) and a restore (a fresh session's `ready`: read + decrypt + parse), side by side with a
// plain baseline (JSON.stringify + an unencrypted put; get + JSON.parse) on the same payloads.
// The two alternate A/B/B/A in one run, after a warm-up; each cell is the median of the runs.
// Run `npm run build` first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath, missingBrowserMessage } from '../e2e/support/chromium.mjs';
import { startStaticServer } from '../e2e/support/static-server.mjs';

const IIFE = fileURLToPath(new URL('../dist/tokenvault.iife.min.js', import.meta.url));
const PAGE = fileURLToPath(new URL('./seal.html', import.meta.url));
const CHROMIUM = chromiumPath();
// --expose-gc lets the page collect garbage before each timed operation, so one run's
// 10 MB of garbage is not the next one's pause.
const FLAGS = [...CHROMIUM_FLAGS, '--js-flags=--expose-gc'];
const KB = 1024;
const SIZES = [
  { bytes: KB, warmups: 5, runs: 51 },
  { bytes: 100 * KB, warmups: 5, runs: 41 },
  { bytes: KB * KB, warmups: 3, runs: 21 },
  { bytes: 10 * KB * KB, warmups: 2, runs: 9 },
];
// Far more than a run takes; a hung page must not keep the browser and the server up.
const DEADLINE = 4 * 60_000;

if (!existsSync(IIFE)) fail('dist/tokenvault.iife.min.js is missing: run `npm run build` first.');
if (!existsSync(CHROMIUM)) fail(missingBrowserMessage(CHROMIUM));

const server = await startStaticServer();
let browser;
const watchdog = setTimeout(() => {
  console.error(`bench:seal: still running after ${DEADLINE / 1000} s; giving up.`);
  void shutdown().then(() => process.exit(1));
}, DEADLINE);
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const page = await (await browser.newContext()).newPage();
  // The static server serves dist/ but not bench/: the page comes from this folder, on the same origin.
  // Cross-origin isolated, so that performance.now() is precise to 5 µs rather than 100 µs.
  const isolated = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  await page.route(`${server.origin}/bench/seal.html`, (route) => route.fulfill({ path: PAGE, headers: isolated }));
  await page.goto(`${server.origin}/bench/seal.html`);
  await page.waitForFunction(() => 'bench' in window && 'TokenVault' in window);
  if (!(await page.evaluate(() => crossOriginIsolated))) console.log('(not cross-origin isolated: timings are rounded to 0.1 ms)');

  console.log(`Chromium ${browser.version()} (headless), Node ${process.version}; median of the runs, in ms.`);
  const rows = [];
  for (const size of SIZES) rows.push(await measure(page, size));
  printTable(rows);
} finally {
  clearTimeout(watchdog);
  await shutdown();
}

async function measure(page, { bytes, warmups, runs }) {
  const actualBytes = await page.evaluate((target) => window.bench.prepare(target), bytes);
  const times = { tokenvaultWrite: [], plainWrite: [], tokenvaultRestore: [], plainRestore: [] };
  const time = (operation) => page.evaluate((name) => window.bench[name](), operation);
  const round = async (which) => {
    const write = await time(`${which}Write`);
    const restore = await time(`${which}Restore`);
    return { write, restore };
  };
  for (let i = 0; i < warmups + runs; i++) {
    // A B, then B A: neither side always goes first (or always follows the other's garbage).
    const order = i % 2 === 0 ? ['tokenvault', 'plain'] : ['plain', 'tokenvault'];
    for (const which of order) {
      const { write, restore } = await round(which);
      if (i < warmups) continue;
      times[`${which}Write`].push(write);
      times[`${which}Restore`].push(restore);
    }
  }
  return { bytes: actualBytes, runs, ...Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function printTable(rows) {
  const ms = (value) => (value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));
  const ratio = (a, b) => `${(a / b).toFixed(1)}×`;
  const size = (bytes) => (bytes < 1000 * KB ? `${(bytes / KB).toFixed(1)} KB` : `${(bytes / KB / KB).toFixed(1)} MB`);
  const table = [
    ['size', 'runs', 'tokenvault write', 'plain write', 'ratio', 'tokenvault restore', 'plain restore', 'ratio'],
    ...rows.map((r) => [
      size(r.bytes),
      String(r.runs),
      ms(r.tokenvaultWrite),
      ms(r.plainWrite),
      ratio(r.tokenvaultWrite, r.plainWrite),
      ms(r.tokenvaultRestore),
      ms(r.plainRestore),
      ratio(r.tokenvaultRestore, r.plainRestore),
    ]),
  ];
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  for (const row of table) {
    console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
  }
}

async function shutdown() {
  await browser?.close().catch(() => undefined);
  await server.close();
}

function fail(message) {
  console.error(message);
  process.exit(1);
}
