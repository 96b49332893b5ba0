// The chaos of e2e/chaos.test.ts (and, longer, of `npm run soak`): tabs reloaded, closed, opened
// and frozen at random, a token endpoint that is slow or answers 503 at random, and storage faults
// (a full disk, an `indexedDB.open` that hangs). Seeded: the same seed makes the same choices
// (what the browser's timing makes of them may still differ a little).
import type { CDPSession, Page } from 'playwright-core';
import { appReady, events, type RecordedEvent } from './app-page.js';
import type { StorageWindow } from './storage-page.js';
import type { TabRun, TokenGate } from './tab-run.js';

declare const window: StorageWindow;

/** How much chaos, for how long. */
export interface ChaosOptions {
  readonly seconds: number;
  readonly seed: number;
  /** Most tabs open at once (and how many the run starts with). */
  readonly maxTabs: number;
}

/** What a run did, for the report and for failure messages. */
export interface ChaosCounts {
  reloads: number;
  closes: number;
  opens: number;
  freezes: number;
  quotaFaults: number;
  hungOpens: number;
  slowAnswers: number;
  answered503: number;
}

/** A small seeded generator (mulberry32): numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A token endpoint that is slow (0.5–2.5 s) or answers 503 at random, from its own seeded generator. */
export function flakyEndpoint(random: () => number, counts: ChaosCounts): TokenGate {
  return async () => {
    const roll = random();
    if (roll < 0.15) {
      counts.answered503++;
      return { status: 503, body: { error: 'temporarily_unavailable' }, headers: roll < 0.05 ? { 'Retry-After': '1' } : undefined };
    }
    if (roll < 0.4) {
      counts.slowAnswers++;
      await sleep(500 + random() * 2_000);
    }
    return undefined;
  };
}

/** What the actions of one chaos run share. */
interface Chaos {
  readonly run: TabRun;
  readonly options: ChaosOptions;
  readonly counts: ChaosCounts;
  readonly random: () => number;
  /** Frozen tabs, and when each thaws. */
  readonly frozen: Map<Page, Promise<void>>;
  open(): Page[];
  name(page: Page): string;
  note(what: string): void;
  /** Keeps what a page saw before a reload or close wipes it. */
  keep(page: Page): Promise<void>;
}

/** Drives the chaos in `run` (already signed in) until `seconds` have passed; every action goes to `log`. */
export async function driveChaos(run: TabRun, options: ChaosOptions, counts: ChaosCounts, archive: RecordedEvent[], log: string[]) {
  const random = seeded(options.seed);
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
  const started = Date.now();
  const chaos: Chaos = {
    run,
    options,
    counts,
    random,
    frozen: new Map(),
    open: () => run.tabs.filter((page) => !page.isClosed()),
    name: (page) => `tab ${run.tabs.indexOf(page)}`,
    note(what) {
      log.push(`${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
      if (process.env['CHAOS_VERBOSE']) console.log(log.at(-1));
    },
    keep: async (page) => void archive.push(...(await events(page))),
  };
  const actions = chaosActions(chaos);
  const awake = (): Page[] => chaos.open().filter((page) => !chaos.frozen.has(page));
  const weighted = ['reload', 'reload', 'reload', 'close', 'open', 'open', 'freeze', 'freeze', 'storage', 'idle'];
  // The last seconds bring no new hang or freeze: what one costs (a 10 s storage timeout with the
  // lock held) is paid within the chaos, not in the wait for the tabs to agree after it.
  const calm = ['reload', 'close', 'open', 'idle'];
  const calmFrom = started + Math.max(options.seconds * 1000 - 12_000, (options.seconds * 1000) / 2);

  // At least one storage fault, early, whatever the dice say later.
  await sleep(1_500);
  let next = 'storage';
  while (Date.now() - started < options.seconds * 1000) {
    const page = pick(awake());
    if (page) await actions[next]!(page);
    await sleep(300 + random() * 1_200);
    next = pick(Date.now() < calmFrom ? weighted : calm)!;
  }
  chaos.note('chaos over: thawing');
  await Promise.all(chaos.frozen.values());
  for (const page of chaos.open()) await page.evaluate(() => (window.__storage.quota = false));
}

/** What the chaos can do to a tab (`open` ignores it). */
function chaosActions({ run, options, counts, random, frozen, open, name, note, keep }: Chaos): Record<string, (page: Page) => Promise<void>> {
  return {
    async reload(page) {
      await keep(page);
      note(`reload ${name(page)}`);
      counts.reloads++;
      await page.reload();
      await appReady(page);
    },
    async close(page) {
      if (open().length <= 3) return;
      await keep(page);
      note(`close ${name(page)}`);
      counts.closes++;
      await page.close();
    },
    async open() {
      if (open().length >= options.maxTabs) return;
      counts.opens++;
      note(`open tab ${run.tabs.length}`);
      await run.open();
    },
    async freeze(page) {
      const ms = 1_000 + random() * 3_000;
      note(`freeze ${name(page)} for ${(ms / 1000).toFixed(1)} s`);
      counts.freezes++;
      // A paused debugger runs no task at all in the page (timers, messages, fetch answers wait),
      // which is what a frozen tab is; CDP's lifecycle "frozen" keeps timers running here.
      const cdp: CDPSession = await run.context.newCDPSession(page);
      await cdp.send('Debugger.enable');
      await cdp.send('Debugger.pause');
      // Resuming fails when no script ran meanwhile (the pause is still pending): disabling the
      // debugger drops a pending pause as well as a real one.
      const thaw = sleep(ms)
        .then(() => cdp.send('Debugger.resume').catch(() => undefined))
        .then(() => cdp.send('Debugger.disable'))
        .then(() => cdp.detach())
        .catch(() => undefined)
        .finally(() => frozen.delete(page));
      frozen.set(page, thaw);
    },
    async storage(page) {
      if (random() < 0.5) {
        const ms = 2_000 + random() * 5_000;
        note(`disk full in ${name(page)} for ${(ms / 1000).toFixed(1)} s`);
        counts.quotaFaults++;
        await page.evaluate(() => (window.__storage.quota = true));
        void sleep(ms).then(() => (page.isClosed() ? undefined : page.evaluate(() => (window.__storage.quota = false)).catch(() => undefined)));
      } else {
        note(`indexedDB.open hangs in ${name(page)} until it reloads`);
        counts.hungOpens++;
        await page.evaluate(() => window.__storage.hang(true));
      }
    },
    idle: async () => {},
  };
}

/** Counts that start at zero. */
export function noChaosYet(): ChaosCounts {
  return { reloads: 0, closes: 0, opens: 0, freezes: 0, quotaFaults: 0, hungOpens: 0, slowAnswers: 0, answered503: 0 };
}
