// `npm start` as a new user runs it: the ports they ask for, both URLs printed, a demo page
// that loads without a console error (its favicon included), and a clean stop.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, requireChromium } from './support/browser.js';

requireChromium();

const root = new URL('../', import.meta.url).pathname;
let browser: Browser;
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs `npm start -- --no-build` (the e2e run has built dist/ already) with `env`; `output()` is what it printed so far. */
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['scripts/start.mjs', '--no-build'], { cwd: root, env: { ...process.env, ...env } });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, output: () => output, exited };
}

it('serves the demo on PORT and the provider on OIDC_PORT, prints both, and the page loads without a console error', async () => {
  const [port, oidcPort] = [await freePort(), await freePort()];
  const demo = start({ PORT: String(port), OIDC_PORT: String(oidcPort) });
  await expect.poll(demo.output, { timeout: 20_000 }).toContain('OpenID provider:');
  expect(demo.output()).toContain(`tokenvault demo:  http://127.0.0.1:${port}/demo/`);
  expect(demo.output()).toContain(`OpenID provider:  http://127.0.0.1:${oidcPort} (sign in as alice / wonderland)`);

  const discovery = await fetch(`http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`);
  expect(discovery.status).toBe(200);
  const favicon = await fetch(`http://127.0.0.1:${port}/demo/favicon.svg`);
  expect(favicon.status).toBe(200);
  expect(favicon.headers.get('content-type')).toBe('image/svg+xml');

  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  // The browser asks for an icon after the page has loaded: the page's own, or /favicon.ico.
  const icon = page.waitForResponse((response) => /favicon/.test(response.url()), { timeout: 10_000 });
  await page.goto(`http://127.0.0.1:${port}/demo/`);
  expect((await icon).url()).toBe(`http://127.0.0.1:${port}/demo/favicon.svg`);
  await expect.poll(() => page.locator('#status').textContent()).toBe('signedOut');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`http://127.0.0.1:${oidcPort}/interaction/**`);
  await page.getByLabel('Username').waitFor();
  expect(problems).toEqual([]);
  await page.close();

  demo.child.kill('SIGTERM');
  expect(await demo.exited).toBe(0);
});

it('refuses a PORT that is not a port number, and says so', async () => {
  const demo = start({ PORT: 'eighty' });
  expect(await demo.exited).toBe(1);
  expect(demo.output()).toContain('npm start: PORT=eighty is not a port number (0 to 65535).');
});

it('says which port is taken when OIDC_PORT is in use', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as { port: number };
  try {
    const demo = start({ OIDC_PORT: String(port) });
    expect(await demo.exited).toBe(1);
    expect(demo.output()).toContain(`npm start: port ${port} is in use`);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});
