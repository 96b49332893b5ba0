// One run of several tabs in a browser context of its own, so that runs can go on side by side in
// one browser against one provider: its tabs, its provider traffic, and a gate on its token
// requests (the context's user agent tells the provider's test server whose request it is).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { appReady, appUrl, signInThroughLoginPage, snapshot } from './app-page.js';
import type { startStack } from './stack.mjs';
import { recordProviderTraffic, type ProviderTraffic } from './tabs-traffic.js';

type Stack = Awaited<ReturnType<typeof startStack>>;
/** What a gate may do with a token request: hold it, then let it through (undefined) or answer it. */
export type TokenGate = () => Promise<{ status: number; body?: unknown; headers?: Record<string, string> } | undefined>;

/** A context, its tabs (closed ones stay in the list, so indexes keep naming the same tab) and its traffic. */
export interface TabRun {
  readonly context: BrowserContext;
  readonly tabs: Page[];
  readonly traffic: ProviderTraffic;
  /** Opens the fixture page in a new tab; `before` runs first (init scripts of that tab only). */
  open(before?: (page: Page) => Promise<void>): Promise<Page>;
  /** Signs in in a new tab and opens `count - 1` more; all must restore the session. */
  signIn(count: number): Promise<Page[]>;
  /** Sets (or with undefined, removes) the gate on this run's token requests. */
  gate(gate: TokenGate | undefined): void;
  close(): Promise<void>;
}

const gates = new Map<string, TokenGate>();
let runs = 0;

/** Routes token requests of each run to that run's gate; call once per stack. */
export function installGates(stack: Stack): void {
  stack.oidc.beforeToken = async (req) => gates.get(req.headers['user-agent'] ?? '')?.();
}

/** Starts a run in a fresh context (empty IndexedDB) of `browser`. */
export async function startRun(browser: Browser, stack: Stack): Promise<TabRun> {
  const userAgent = `tokenvault-e2e run-${++runs}`;
  const context = await browser.newContext({ userAgent });
  const tabs: Page[] = [];
  const traffic = recordProviderTraffic(context, stack.oidc.issuer, tabs);
  const run: TabRun = {
    context,
    tabs,
    traffic,
    async open(before) {
      const page = await context.newPage();
      tabs.push(page);
      await before?.(page);
      await page.goto(appUrl(stack));
      await appReady(page);
      return page;
    },
    async signIn(count) {
      const first = await run.open();
      await signInThroughLoginPage(first, stack);
      const opened = [first, ...(await Promise.all(Array.from({ length: count - 1 }, () => run.open())))];
      const states = await Promise.all(opened.map(snapshot));
      if (states.some((s) => s.status !== 'signedIn')) throw new Error(`not signed in: ${states.map((s) => s.status).join(', ')}`);
      return opened;
    },
    gate(gate) {
      if (gate) gates.set(userAgent, gate);
      else gates.delete(userAgent);
    },
    async close() {
      gates.delete(userAgent);
      await context.close();
    },
  };
  return run;
}

/** A gate that holds the next token request until `open()`; `entered` resolves when one is held. */
export function holdNext(): { gate: TokenGate; entered: Promise<void>; open(): void } {
  let entered!: () => void;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const held = new Promise<void>((resolve) => (entered = resolve));
  let used = false;
  return {
    entered: held,
    open,
    gate: async () => {
      if (used) return undefined;
      used = true;
      entered();
      await opened;
      return undefined;
    },
  };
}
