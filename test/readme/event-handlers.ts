import type { SessionEvent, SessionEventHandlers, SessionEventType } from 'tokenvault';

const handlers: SessionEventHandlers = {
  revoked: ({ source }) => showSignIn(source === 'provider' ? 'Your session ended.' : undefined),
  error: ({ error }) => console.warn('tokenvault:', error.code),
};
const subscribe = <K extends SessionEventType>(type: K) => session.on(type, (event) => handlers[type]?.(event));
const unsubscribe = (Object.keys(handlers) as SessionEventType[]).map(subscribe);

const log: SessionEvent[] = [];
session.on('refreshed', (event) => log.push({ type: 'refreshed', ...event }));
