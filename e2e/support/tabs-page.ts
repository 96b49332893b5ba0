// Hooks the tabs tests install in the fixture page before its scripts run: a
// background tab whose timers are held, a setTimeout counter, a slow disk.
// They change the page's environment only; the SDK runs unmodified.
import type { BrowserContext, Page } from 'playwright-core';
import type { AppWindow } from './app-page.js';

/** The fixture page's window, plus what these hooks and tests use. */
export type TabsWindow = AppWindow & {
  app: AppWindow['app'] & { session: AppWindow['app']['session'] & { getAccessToken(): Promise<string> } };
  /** Background-tab emulation (`emulateBackground`). */
  __background: { hidden: boolean; held: number; hide(): void; show(): void; release(): void };
  /** setTimeout calls since the page loaded (`countTimeouts`). */
  __timeouts: number;
  /** How long each AES-GCM seal waits, and how many have started (`slowSeals`). */
  __seal: { delay: number; started: number };
};
declare const window: TabsWindow;

/**
 * Lets a test send the page to the background the way Chromium treats hidden
 * tabs at their harshest: `document.visibilityState` is 'hidden' and no timer
 * callback runs until the tab is shown. (Headless Chromium keeps every page
 * visible, and freezing through CDP does not stop its timers.)
 *
 * `hide()` holds timers; `show()` makes the tab visible and fires
 * `visibilitychange` but keeps holding what was held; `release()` runs the
 * held callbacks that nobody cleared, as a browser does once it unthrottles.
 */
export async function emulateBackground(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const setTimer = window.setTimeout.bind(window);
    const clearTimer = window.clearTimeout.bind(window);
    const cleared = new Set<unknown>();
    const held: Array<{ id: unknown; run: () => void }> = [];
    const background = {
      hidden: false,
      get held() {
        return held.length;
      },
      hide() {
        background.hidden = true;
        document.dispatchEvent(new Event('visibilitychange'));
      },
      show() {
        background.hidden = false;
        document.dispatchEvent(new Event('visibilitychange'));
      },
      release() {
        for (const { id, run } of held.splice(0)) if (!cleared.has(id)) run();
      },
    };
    Object.defineProperty(window, '__background', { value: background });
    Object.defineProperty(document, 'visibilityState', { get: () => (background.hidden ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { get: () => background.hidden });
    window.setTimeout = ((handler: TimerHandler, delay?: number, ...args: unknown[]) => {
      const run = (): void => {
        if (typeof handler === 'function') handler(...args);
      };
      const id: number = setTimer(() => {
        if (background.hidden || held.length > 0) held.push({ id, run });
        else run();
      }, delay);
      return id;
    }) as typeof setTimeout;
    window.clearTimeout = ((id?: number) => {
      cleared.add(id);
      clearTimer(id);
    }) as typeof clearTimeout;
  });
}

/** Counts the page's setTimeout calls in `window.__timeouts`, from before any script runs. */
export async function countTimeouts(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const original = window.setTimeout;
    let calls = 0;
    Object.defineProperty(window, '__timeouts', { get: () => calls });
    window.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
      calls++;
      return original(...args);
    }) as typeof setTimeout;
  });
}

/** Makes every AES-GCM seal in `page` wait `window.__seal.delay` ms first: a slow, busy device. */
export async function slowSeals(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const subtle = crypto.subtle;
    const encrypt = subtle.encrypt.bind(subtle);
    const seal = { delay: 0, started: 0 };
    Object.defineProperty(window, '__seal', { value: seal });
    subtle.encrypt = async (...args: Parameters<SubtleCrypto['encrypt']>) => {
      seal.started++;
      if (seal.delay > 0) await new Promise((resolve) => setTimeout(resolve, seal.delay));
      return encrypt(...args);
    };
  });
}
