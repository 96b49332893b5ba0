// What the tabs of one browser context say to the provider, as seen from the
// browser side: which tab sent which refresh token, and what came back. Tokens
// are kept in memory for comparison and only ever shown as labels (#3), so a
// failing assertion cannot print one.
import type { BrowserContext, Page, Request } from 'playwright-core';

/** One refresh_token grant request, from the moment it left a tab. */
export interface RefreshExchange {
  /** Index of the tab (in the order given to `tabOf`), or -1 for a page we were not told about. */
  tab: number;
  /** Node's clock when the request left the browser. */
  sentAt: number;
  /** Label of the refresh token sent. */
  sent: string;
  status?: number;
  error?: string;
  /** Node's clock when the answer arrived. */
  answeredAt?: number;
  /** Labels of the tokens that came back, and their lifetime. */
  issued?: { access: string; refresh?: string; expiresIn: number };
  failed?: string;
}

/** Records every request the context's pages send to `issuer`, and every refresh exchange in detail. */
export interface ProviderTraffic {
  /** Refresh exchanges in the order they were sent. */
  readonly refreshes: RefreshExchange[];
  /** Every request to the provider's origin: node's clock and path. */
  readonly requests: Array<{ at: number; path: string; tab: number }>;
  /** The label of a token: the same token always gets the same label; '-' for none. */
  label(token: string | undefined): string;
  /** Waits until every answer seen so far has been read. */
  settled(): Promise<void>;
}

/** Starts recording; `tabs` is read at event time, so tabs opened later count too. */
export function recordProviderTraffic(context: BrowserContext, issuer: string, tabs: readonly Page[]): ProviderTraffic {
  const tokenEndpoint = `${issuer}/token`;
  const labels = new Map<string, string>();
  const label = (token: string | undefined): string => {
    if (token === undefined) return '-';
    let name = labels.get(token);
    if (name === undefined) labels.set(token, (name = `#${labels.size + 1}`));
    return name;
  };
  const refreshes: RefreshExchange[] = [];
  const requests: ProviderTraffic['requests'] = [];
  const byRequest = new Map<Request, RefreshExchange>();
  const pending = new Set<Promise<void>>();
  const tabOf = (request: Request): number => {
    try {
      return tabs.indexOf(request.frame().page());
    } catch {
      return -1; // service workers and the like have no frame
    }
  };

  context.on('request', (request) => {
    if (!request.url().startsWith(issuer)) return;
    const tab = tabOf(request);
    requests.push({ at: Date.now(), path: new URL(request.url()).pathname, tab });
    if (request.url() !== tokenEndpoint || request.method() !== 'POST') return;
    const form = new URLSearchParams(request.postData() ?? '');
    if (form.get('grant_type') !== 'refresh_token') return;
    const exchange: RefreshExchange = { tab, sentAt: Date.now(), sent: label(form.get('refresh_token') ?? undefined) };
    refreshes.push(exchange);
    byRequest.set(request, exchange);
  });
  context.on('requestfailed', (request) => {
    const exchange = byRequest.get(request);
    if (exchange !== undefined) exchange.failed = request.failure()?.errorText ?? 'failed';
  });
  context.on('response', (response) => {
    const exchange = byRequest.get(response.request());
    if (exchange === undefined) return;
    exchange.status = response.status();
    exchange.answeredAt = Date.now();
    const reading = response
      .json()
      .then((body: Record<string, unknown>) => {
        if (typeof body['error'] === 'string') exchange.error = body['error'];
        if (typeof body['access_token'] === 'string') {
          exchange.issued = {
            access: label(body['access_token']),
            ...(typeof body['refresh_token'] === 'string' ? { refresh: label(body['refresh_token']) } : {}),
            expiresIn: Number(body['expires_in']),
          };
        }
      })
      .catch(() => {
        exchange.error ??= 'unreadable answer';
      })
      .finally(() => pending.delete(reading));
    pending.add(reading);
  });

  return {
    refreshes,
    requests,
    label,
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
