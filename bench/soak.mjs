// The chaos of e2e/chaos.test.ts for longer: up to 6 tabs reloaded, closed, opened and frozen at
// random, a token endpoint slow or answering 503 at random, full disks and hung IndexedDB opens,
// against oidc-provider with rotation and reuse detection. Prints what happened; not part of
// `npm test`. Run `npm run build` first (`npm run soak` does).
//
//   node bench/soak.mjs [--seconds 300] [--seed <n>]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '300' }, seed: { type: 'string' } } });
const seconds = Number(values.seconds);
if (!Number.isFinite(seconds) || seconds <= 0) fail('--seconds wants a positive number.');
if (!existsSync(join(ROOT, 'dist/tokenvault.iife.min.js'))) fail('dist/ is missing: run `npm run build` first.');

const folder = mkdtempSync(join(tmpdir(), 'tokenvault-soak-'));
const report = join(folder, 'figures.json');
const env = { ...process.env, CHAOS_SECONDS: String(seconds), CHAOS_REPORT: report, ...(values.seed && { CHAOS_SEED: values.seed }) };
console.log(`soak: ${seconds} s of chaos${values.seed ? ` (seed ${values.seed})` : ''} …`);
const started = Date.now();
const run = spawnSync('npx', ['vitest', 'run', '--project', 'e2e', 'e2e/chaos.test.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const took = (Date.now() - started) / 1000;

if (!existsSync(report)) {
  process.stdout.write(run.stdout ?? '');
  process.stderr.write(run.stderr ?? '');
  rmSync(folder, { recursive: true, force: true });
  fail(`the chaos run ended without figures after ${took.toFixed(0)} s (see above).`);
}
const figures = JSON.parse(readFileSync(report, 'utf8'));
rmSync(folder, { recursive: true, force: true });
const rows = [
  ['seed', figures.seed],
  ['chaos seconds', figures.seconds],
  ['run took (s)', took.toFixed(0)],
  ['tabs opened in all', figures.tabsOpened],
  ['tabs open at the end', figures.tabsOpenAtEnd],
  ['reloads / closes / opens', `${figures.reloads} / ${figures.closes} / ${figures.opens}`],
  ['frozen tabs', figures.freezes],
  ['full disks / hung opens', `${figures.quotaFaults} / ${figures.hungOpens}`],
  ['token answers slowed / 503', `${figures.slowAnswers} / ${figures.answered503}`],
  ['refresh requests', figures.refreshRequests],
  ['refresh requests per cycle (reaching the provider)', figures.requestsPerCycle.toFixed(2)],
  ['invalid_grant', figures.invalidGrants],
  ['sign-outs by the provider', figures.forcedSignOuts],
  ['verdict', run.status === 0 ? 'passed' : 'FAILED'],
];
for (const [label, value] of rows) console.log(`${label.padEnd(52)} ${value}`);
if (run.status !== 0) {
  process.stdout.write(run.stdout ?? '');
  process.exitCode = 1;
}

function fail(message) {
  console.error(`soak: ${message}`);
  process.exit(1);
}
