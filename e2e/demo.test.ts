// The `npm start` demo in real Chromium: sign in, watch one automatic refresh, keep a screenshot.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, requireChromium } from './support/browser.js';
import { DEMO_USER } from './support/oidc-server.mjs';
import { PAGES, startStack } from './support/stack.mjs';

requireChromium();

const ARTIFACTS = new URL('./artifacts/', import.meta.url);
let stack: Awaited<ReturnType<typeof startStack>>;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ accessTokenTtl: 10 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const badges = (page: Page) => page.locator('#log .badge').allTextContents();

it('signs in on the demo, shows claims and a countdown, and logs an automatic refresh', async () => {
  const context = await browser.newContext({ viewport: { width: 1180, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(stack.web.origin + PAGES.demo);
  await expect.poll(() => page.locator('#status').textContent()).toBe('signedOut');

  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${stack.oidc.issuer}/interaction/**`);
  await page.getByLabel('Username').fill(DEMO_USER.username);
  await page.getByLabel('Password').fill(DEMO_USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${stack.web.origin}${PAGES.demo}`);

  await expect.poll(() => page.locator('#status').textContent()).toBe('signedIn');
  await expect.poll(() => page.locator('#name').textContent()).toBe(DEMO_USER.name);
  await expect.poll(() => page.locator('#claims').textContent()).toContain(DEMO_USER.email);
  await expect.poll(() => page.locator('#at-rest').textContent()).toMatch(/\d B AES-GCM · non-extractable key/);
  expect(await page.locator('#refresh-in').textContent()).toMatch(/\d\.\d s/);
  const fingerprintBefore = await page.locator('#rt-fingerprint').textContent();

  await expect.poll(() => badges(page), { timeout: 20_000 }).toContain('refreshed');
  await expect.poll(() => badges(page)).toContain('rotated');
  expect(await page.locator('#refresh-count').textContent()).toBe('1');
  await expect.poll(() => page.locator('#rt-fingerprint').textContent()).not.toBe(fingerprintBefore);
  expect(await page.locator('#banner').isHidden()).toBe(true);
  expect(pageErrors).toEqual([]);

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.waitForTimeout(1500); // let the countdown move on from "refreshing"
  await page.screenshot({ path: new URL('demo.png', ARTIFACTS).pathname, fullPage: true });
  await context.close();
});
