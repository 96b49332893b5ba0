// Issue 10's chaos, in real Chromium against oidc-provider with rotation and reuse detection:
// up to 6 tabs of one session for CHAOS_SECONDS (25 s by default: with
// e2e/storage-faults.test.ts it must stay under a minute of CI) while tabs are reloaded, closed,
// opened and frozen at random, the token endpoint is slow or answers 503 at random, and storage
// fails (a full disk, a hung `indexedDB.open`). Then: 0 invalid_grant, 0 sign-outs by the
// provider, every open tab on the same token, and the grant alive.
//
// Seeded: CHAOS_SEED=<n> replays a run's choices; the seed is in every failure message.
// `npm run soak` runs this file for longer (CHAOS_SECONDS) and prints CHAOS_REPORT's figures.
import { writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callSession, type RecordedEvent } from './support/app-page.js';
import { launchChromium, requireChromium } from './support/browser.js';
import { driveChaos, flakyEndpoint, noChaosYet, seeded } from './support/chaos.js';
import { startStack } from './support/stack.mjs';
import { storageFaults } from './support/storage-page.js';
import { installGates, startRun, type TabRun } from './support/tab-run.js';
import { forcedSignOuts, forcedSignOutsIn, heldBy, invalidGrants, runLog } from './support/verdict.js';

requireChromium();

const SECONDS = Number(process.env['CHAOS_SECONDS'] ?? 25);
const SEED = Number(process.env['CHAOS_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const MAX_TABS = 6;
/** Short enough for a cycle every few seconds, long enough for six tabs on two cores. */
const SHORT_TTL = 4;

type Stack = Awaited<ReturnType<typeof startStack>>;
let stack: Stack;
let browser: Browser;
let run: TabRun;

beforeAll(async () => {
  stack = await startStack({ accessTokenTtl: SHORT_TTL });
  installGates(stack);
  browser = await launchChromium();
  run = await startRun(browser, stack);
});

afterAll(async () => {
  await run?.close();
  await browser?.close();
  await stack?.close();
});

it(`${MAX_TABS} tabs, ${SECONDS} s of reloads, closes, opens, frozen tabs, a flaky token endpoint and storage faults: no reuse, no forced sign-out`, async () => {
  const counts = noChaosYet();
  const archive: RecordedEvent[] = [];
  const log: string[] = [`CHAOS_SEED=${SEED} CHAOS_SECONDS=${SECONDS}`];
  const why = async (): Promise<string> => `${log.join('\n')}\n${await runLog(run.tabs, run.traffic)}`;

  await storageFaults(run.context);
  await run.signIn(MAX_TABS);
  run.gate(flakyEndpoint(seeded(SEED + 1), counts));
  // A driver step that fails (a tab that does not come back from a reload) says which run it was.
  await driveChaos(run, { seconds: SECONDS, seed: SEED, maxTabs: MAX_TABS }, counts, archive, log).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${log.join('\n')}`);
  });
  run.gate(undefined);

  // Come to rest: every open tab on one session, signed in.
  const open = () => run.tabs.filter((page) => !page.isClosed());
  const agreed = async (): Promise<string> => {
    const held = await heldBy(open(), run.traffic);
    return held.every((h) => h === held[0]) && held[0]!.startsWith('signedIn ') ? 'agreed' : held.join(' | ');
  };
  await expect.poll(agreed, { timeout: 20_000, interval: 250 }).toBe('agreed').catch(async (error: unknown) => {
    throw new Error(`${(error as Error).message}\n${await why()}`);
  });
  // The grant is alive: one more refresh from any tab works and reaches the others.
  const sent = run.traffic.refreshes.length;
  await callSession(open()[0]!, 'refresh');
  await run.traffic.settled();
  const final = run.traffic.refreshes.slice(sent).map((r) => r.status);
  await expect.poll(agreed, { timeout: 10_000, interval: 250 }).toBe('agreed');

  const refusedAtProvider = stack.oidc.grants.filter((g) => !g.ok && g.error === 'invalid_grant');
  const figures = {
    seed: SEED,
    seconds: SECONDS,
    ...counts,
    tabsOpened: run.tabs.length,
    tabsOpenAtEnd: open().length,
    refreshRequests: run.traffic.refreshes.length,
    // Requests that reached the provider (a 503 here comes from the flaky endpoint in front of it),
    // per refresh token sent: 1.00 means no refresh token went to the provider twice.
    requestsPerCycle: Number(
      (
        run.traffic.refreshes.filter((r) => r.status !== 503 && r.failed === undefined).length /
        Math.max(1, new Set(run.traffic.refreshes.filter((r) => r.status !== 503).map((r) => r.sent)).size)
      ).toFixed(2),
    ),
    invalidGrants: invalidGrants(run.traffic).length + refusedAtProvider.length,
    forcedSignOuts: forcedSignOuts(archive).length + (await forcedSignOutsIn(run.tabs)).length,
  };
  if (process.env['CHAOS_REPORT']) writeFileSync(process.env['CHAOS_REPORT'], JSON.stringify(figures, null, 2));

  const story = await why();
  expect(final, story).toEqual([200]);
  expect(invalidGrants(run.traffic), story).toEqual([]);
  expect(refusedAtProvider, story).toEqual([]);
  expect(forcedSignOuts(archive), story).toEqual([]);
  expect(await forcedSignOutsIn(run.tabs), story).toEqual([]);
  expect(counts.quotaFaults + counts.hungOpens, story).toBeGreaterThan(0);
}, (SECONDS + 90) * 1000);
