// Issue 10's proof in real Chromium against oidc-provider, which rotates refresh tokens and
// revokes the whole grant when an old one comes back: storage that fails (a full disk in one and
// in two tabs, the database deleted while a refresh is at the provider and just after its answer,
// `indexedDB.open` hanging in one of three tabs) never makes a tab send a rotated-out refresh
// token. Each case: 0 invalid_grant, no sign-out by the provider, the tabs end on one token, and
// after a reload a working session or a clean sign-out, with the grant still alive.
//
// The cases run side by side, each in a browser context of its own (see support/tab-run.ts).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { appReady, callSession, events, signInThroughLoginPage, snapshot } from './support/app-page.js';
import { launchChromium, requireChromium } from './support/browser.js';
import { startStack } from './support/stack.mjs';
import { deleteDatabase, storageFaults, type StorageWindow } from './support/storage-page.js';
import { holdNext, installGates, startRun, type TabRun } from './support/tab-run.js';
import { slowSeals } from './support/tabs-page.js';
import { forcedSignOutsIn, grantAlive, heldBy, invalidGrants, runLog } from './support/verdict.js';

requireChromium();

declare const window: StorageWindow;

/** A few seconds: several cycles within the test, long enough for a loaded 2-core machine. */
const SHORT_TTL = 4;

type Stack = Awaited<ReturnType<typeof startStack>>;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ accessTokenTtl: SHORT_TTL });
  installGates(stack);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `test` in a run of its own (concurrent tests: each asserts with its own `expect`), closed afterwards whatever happens. */
async function inRun(test: (run: TabRun) => Promise<void>): Promise<void> {
  const run = await startRun(browser, stack);
  try {
    await test(run);
  } finally {
    await run.close();
  }
}

/** Waits until `count` more refreshes have been granted in `run` (or one was refused). */
async function cycles(run: TabRun, count: number, timeout = 30_000): Promise<void> {
  const target = run.traffic.refreshes.filter((r) => r.status === 200).length + count;
  for (const deadline = Date.now() + timeout; Date.now() < deadline; await sleep(100)) {
    if (invalidGrants(run.traffic).length > 0) return;
    if (run.traffic.refreshes.filter((r) => r.status === 200).length >= target) return;
  }
}

/** No reuse, no sign-out by the provider, and every open tab on the same newest tokens. */
async function expectNoHarm(expect: ExpectStatic, run: TabRun): Promise<void> {
  await run.traffic.settled();
  const open = run.tabs.filter((page) => !page.isClosed());
  const agreed = async (): Promise<string> => {
    const held = await heldBy(open, run.traffic);
    return held.every((h) => h === held[0]) && held[0]!.startsWith('signedIn ') ? 'agreed' : held.join(' | ');
  };
  await expect.poll(agreed, { timeout: 15_000, interval: 200 }).toBe('agreed').catch(async (error: unknown) => {
    throw new Error(`${(error as Error).message}\n${await runLog(run.tabs, run.traffic)}`);
  });
  const log = await runLog(run.tabs, run.traffic);
  expect(invalidGrants(run.traffic), log).toEqual([]);
  expect(await forcedSignOutsIn(run.tabs), log).toEqual([]);
}

/**
 * Reloads `page` (its storage switches start off again): it is either restored and refreshes, or
 * cleanly signed out, never by the provider. Then the grant is shown alive, from a tab or directly.
 */
async function expectCleanReload(expect: ExpectStatic, run: TabRun, page: Page): Promise<void> {
  const newest = (await snapshot(page)).tokens?.refreshToken;
  await page.reload();
  await appReady(page);
  await expect.poll(() => snapshot(page).then((s) => s.status), { timeout: 15_000, interval: 100 }).not.toBe('refreshing');
  const state = await snapshot(page);
  const after = await events(page);
  expect(after.filter((e) => e.type === 'revoked' || (e.type === 'signedOut' && e.source === 'provider'))).toEqual([]);
  const signedIn = run.tabs.find((tab) => !tab.isClosed() && tab !== page);
  if (state.status === 'signedIn' || (signedIn && (await snapshot(signedIn)).status === 'signedIn')) {
    if (state.status !== 'signedIn') expect(state.status).toBe('signedOut');
    const from = state.status === 'signedIn' ? page : signedIn!;
    const sent = run.traffic.refreshes.length;
    await callSession(from, 'refresh');
    await run.traffic.settled();
    expect(run.traffic.refreshes.slice(sent).map((r) => r.status)).toEqual([200]);
    await expectNoHarm(expect, run);
  } else {
    expect(state.status).toBe('signedOut');
    expect(newest).toBeDefined();
    // Nothing sent it since: the grant is alive, and the newest refresh token still works.
    expect(await grantAlive(stack, newest!)).toBe(true);
  }
}

describe.concurrent('storage faults', () => {
  it('a. the disk is full in one tab while 4 s tokens are refreshed: it keeps going; the reload finds no dead token', async ({ expect }) => {
    await inRun(async (run) => {
      await storageFaults(run.context);
      const [tab] = await run.signIn(1);
      await tab!.evaluate(() => (window.__storage.quota = true));
      await cycles(run, 2);
      expect(await tab!.evaluate(() => window.__storage.refused)).toBeGreaterThan(0);
      expect((await events(tab!)).filter((e) => e.type === 'error').map((e) => e.code)).toContain('storage_unavailable');
      await expectNoHarm(expect, run);
      await expectCleanReload(expect, run, tab!);
    });
  });

  it('b. the disk is full in two tabs while 4 s tokens are refreshed: they hand the newest tokens over', async ({ expect }) => {
    await inRun(async (run) => {
      await storageFaults(run.context);
      const pages = await run.signIn(2);
      for (const page of pages) await page.evaluate(() => (window.__storage.quota = true));
      await cycles(run, 3);
      // Each tab goes to the provider once more: each with the token the other fetched last,
      // which it could only have had over the channel. (A refresh() that joins one under way
      // which found the tokens fresh sends nothing: try again.)
      for (const [i, page] of pages.entries()) {
        const sent = run.traffic.refreshes.length;
        for (let attempt = 0; attempt < 3 && !run.traffic.refreshes.slice(sent).some((r) => r.tab === i); attempt++) {
          await callSession(page, 'refresh');
        }
      }
      await expectNoHarm(expect, run);
      const refreshTokens = run.traffic.refreshes.map((r) => r.sent);
      expect(new Set(refreshTokens).size).toBe(refreshTokens.length);
      expect(new Set(run.traffic.refreshes.map((r) => r.tab)).size).toBe(2);
      await expectCleanReload(expect, run, pages[1]!);
    });
  });

  it('c. the database is deleted from another tab while a refresh is at the provider', async ({ expect }) => {
    await inRun(async (run) => {
      const pages = await run.signIn(2);
      const held = holdNext();
      run.gate(held.gate);
      void callSession(pages[0]!, 'refresh').catch(() => undefined);
      await held.entered;
      await expect.poll(() => run.traffic.refreshes.length, { timeout: 5_000, interval: 20 }).toBeGreaterThan(0);
      const refreshing = run.traffic.refreshes.at(-1)!.tab;
      await deleteDatabase(pages[1 - refreshing]!);
      held.open();
      await cycles(run, 1);
      // Each tab refreshes once more, from whatever it could find.
      for (const page of [pages[1]!, pages[0]!]) await callSession(page, 'refresh').catch(() => undefined);
      await expectNoHarm(expect, run);
      await expectCleanReload(expect, run, pages[1]!);
    });
  });

  it('d. the database is deleted from another tab just after the provider answered, while the answer is sealed', async ({ expect }) => {
    await inRun(async (run) => {
      const slow = await run.open(slowSeals);
      const first = await run.open();
      await signInThroughLoginPage(first, stack);
      await expect.poll(() => snapshot(slow).then((s) => s.status), { timeout: 5_000, interval: 50 }).toBe('signedIn');
      await slow.evaluate(() => (window.__seal.delay = 1_000));
      const sent = run.traffic.refreshes.length;
      void callSession(slow, 'refresh').catch(() => undefined);
      await expect.poll(() => run.traffic.refreshes[sent]?.status, { timeout: 10_000, interval: 20 }).toBe(200);
      await deleteDatabase(first);
      await sleep(1_200);
      await slow.evaluate(() => (window.__seal.delay = 0));
      for (const page of [first, slow]) await callSession(page, 'refresh').catch(() => undefined);
      await expectNoHarm(expect, run);
      await expectCleanReload(expect, run, first);
    });
  });

  it('e. indexedDB.open hangs in one of three tabs while 4 s tokens are refreshed: that tab never sends a stale token', async ({ expect }) => {
    await inRun(async (run) => {
      await storageFaults(run.context);
      const pages = await run.signIn(3);
      await pages[2]!.evaluate(() => window.__storage.hang(true));
      // Make the sick tab go to the lock first: its read waits out the storage timeout (10 s).
      void callSession(pages[2]!, 'refresh').catch(() => undefined);
      await cycles(run, 1);
      expect(await pages[2]!.evaluate(() => window.__storage.hanging)).toBeGreaterThan(0);
      await expectNoHarm(expect, run);
      await expectCleanReload(expect, run, pages[2]!);
    });
  });
});
