import { useEffect, useState } from 'react';
import { useSession } from 'tokenvault/react';

type Answer = { state: 'loading' } | { state: 'ok'; body: { path: string; claims: { sub?: string; scope?: string } } } | { state: 'failed'; reason: string };

/** The protected page: calls the API through session.fetch, which attaches a fresh access token. */
export function Orders() {
  const { fetch } = useSession();
  const [answer, setAnswer] = useState<Answer>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    (async () => {
      const response = await fetch(`${import.meta.env.VITE_API_URL}/orders`);
      if (!response.ok) throw new Error(`The API answered ${response.status}.`);
      return response.json();
    })().then(
      (body) => current && setAnswer({ state: 'ok', body }),
      (error: Error) => current && setAnswer({ state: 'failed', reason: error.message }),
    );
    return () => void (current = false);
  }, [fetch]);
  return (
    <section>
      <h1>Orders</h1>
      {answer.state === 'loading' && <p>Loading orders…</p>}
      {answer.state === 'failed' && <p role="alert">{answer.reason}</p>}
      {answer.state === 'ok' && (
        <p data-testid="api">
          The API accepted the token for <b data-testid="api-sub">{answer.body.claims.sub}</b> ({answer.body.claims.scope}).
        </p>
      )}
    </section>
  );
}
