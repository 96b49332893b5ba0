// What the storage-fault and chaos tests (and `npm run soak`) judge a run by: reuse at the
// provider, sessions ended by it, and whether the open tabs agree on one token.
import type { Page } from 'playwright-core';
import { events, refreshDirectly, snapshot, type RecordedEvent, type StackInfo } from './app-page.js';
import type { ProviderTraffic } from './tabs-traffic.js';

/** Refreshes the provider refused as `invalid_grant`: a refresh token sent twice (or a dead grant). */
export function invalidGrants(traffic: ProviderTraffic): ProviderTraffic['refreshes'] {
  return traffic.refreshes.filter((r) => r.error === 'invalid_grant');
}

/** Events that say the provider ended the session (what reuse detection causes). */
export function forcedSignOuts(seen: readonly RecordedEvent[]): RecordedEvent[] {
  return seen.filter((e) => (e.type === 'signedOut' || e.type === 'revoked') && e.source === 'provider');
}

/** Forced sign-outs in each page, as `tab i: type/source` lines (empty: none). */
export async function forcedSignOutsIn(pages: readonly Page[]): Promise<string[]> {
  const found: string[] = [];
  for (const [i, page] of pages.entries()) {
    if (page.isClosed()) continue;
    for (const e of forcedSignOuts(await events(page))) found.push(`tab ${i}: ${e.type}/${e.source}`);
  }
  return found;
}

/** Each open page's status and the labels of its tokens, for comparing tabs without printing tokens. */
export async function heldBy(pages: readonly Page[], traffic: ProviderTraffic): Promise<string[]> {
  const held: string[] = [];
  for (const page of pages) {
    if (page.isClosed()) continue;
    const state = await snapshot(page);
    held.push(`${state.status} ${traffic.label(state.tokens?.accessToken)} ${traffic.label(state.tokens?.refreshToken)}`);
  }
  return held;
}

/** Whether the provider still honours `refreshToken` (it rotates it: use only once a run is over). */
export async function grantAlive(stack: StackInfo, refreshToken: string): Promise<boolean> {
  return (await refreshDirectly(stack, refreshToken)).status === 200;
}

/** What happened in a run, token labels only: printed when a test fails, so a failure can be read. */
export async function runLog(pages: readonly Page[], traffic: ProviderTraffic): Promise<string> {
  const lines = traffic.refreshes.map(
    (r) => `refresh from tab ${r.tab}: sent ${r.sent} → ${r.status ?? r.failed ?? 'pending'}${r.error ? ` ${r.error}` : ''} ${r.issued?.refresh ?? ''}`,
  );
  for (const [i, page] of pages.entries()) {
    if (page.isClosed()) continue;
    const seen = await events(page).catch(() => []);
    lines.push(`tab ${i}: ${seen.map((e) => `${e.type}${e.source ? `/${e.source}` : ''}${e.code ? `/${e.code}` : ''}`).join(' ')}`);
  }
  lines.push(...(await heldBy(pages, traffic).catch(() => [])).map((held, i) => `held: ${held} (open tab ${i})`));
  return lines.join('\n');
}
