// Type-level tests: `npm run typecheck` compiles this file, so a wrong type fails the build;
// vitest runs it too, which checks that the examples also hold at run time.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createSession,
  oauth2,
  type Claims,
  type Session,
  type SessionEvent,
  type SessionEventHandlers,
  type SessionEventType,
  type SessionSnapshot,
} from '../src/index.js';
import { fakeEndpoint, jwt } from './helpers.js';

const provider = () => oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', fetch: fakeEndpoint().fetch });

describe('claims', () => {
  it('knows the standard OIDC and Cognito claims without a type parameter', () => {
    expectTypeOf<Claims['name']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Claims['email_verified']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<Claims['picture']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Claims['cognito:groups']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<Claims['cognito:username']>().toEqualTypeOf<string | undefined>();
    // Anything else is unknown until the app declares it.
    expectTypeOf<Claims['tenant']>().toEqualTypeOf<unknown>();
  });

  it("types an app's own claims through createSession's type parameter, and keeps the standard ones", async () => {
    const session = createSession<{ tenant: string; roles?: string[] }>({ persist: 'memory', provider: provider() });
    expectTypeOf(session).toEqualTypeOf<Session<{ tenant: string; roles?: string[] }>>();
    const claims = session.getSnapshot().claims;
    expectTypeOf(claims?.tenant).toEqualTypeOf<string | undefined>();
    expectTypeOf(claims?.roles).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(claims?.name).toEqualTypeOf<string | undefined>();
    // A typed session goes wherever a plain one does (a framework wrapper's prop).
    expectTypeOf(session).toExtend<Session>();
    expectTypeOf<SessionSnapshot<{ tenant: string }>>().toExtend<SessionSnapshot>();

    await session.ready;
    await session.setTokens({ access_token: jwt({ sub: 'ada', tenant: 'acme', exp: 9e9 }), expires_in: 60 });
    expect(session.getSnapshot().claims?.tenant).toBe('acme');
    session.dispose();
  });
});

describe('events', () => {
  it('SessionEvent is the union of every event, discriminated by type', () => {
    expectTypeOf<SessionEvent['type']>().toEqualTypeOf<SessionEventType>();
    const describe = (event: SessionEvent): string => {
      switch (event.type) {
        case 'refreshed':
          return `refreshed until ${event.expiresAt}`;
        case 'error':
          return event.error.code;
        default:
          return event.type;
      }
    };
    expect(describe({ type: 'error', error: Object.assign(new Error('x'), { code: 'network' }) as never })).toBe('network');
  });

  it('a handler map type-checks each handler against its event and subscribes in one loop', async () => {
    const seen: string[] = [];
    const handlers: SessionEventHandlers = {
      signedIn: ({ source }) => seen.push(`signedIn:${source}`),
      signedOut: ({ source }) => seen.push(`signedOut:${source}`),
    };
    // @ts-expect-error an `expired` event has no `source`
    const wrong: SessionEventHandlers = { expired: ({ source }) => source };
    expect(wrong).toBeDefined();

    const session = createSession({ persist: 'memory', provider: provider() });
    const subscribe = <K extends SessionEventType>(type: K) => session.on(type, (event) => handlers[type]?.(event));
    const offs = (Object.keys(handlers) as SessionEventType[]).map(subscribe);
    await session.ready;
    await session.setTokens({ access_token: jwt({ sub: 'ada', exp: 9e9 }), expires_in: 60 });
    await session.signOut();
    for (const off of offs) off();
    expect(seen).toEqual(['signedIn:local', 'signedOut:local']);
    session.dispose();
  });
});
