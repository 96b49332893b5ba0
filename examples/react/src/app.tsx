import { Link, Route, Routes, useNavigate } from 'react-router';
import { RequireSignIn, SignInCallback, useSession } from 'tokenvault/react';
import type { AppClaims } from './auth.js';
import { Orders } from './orders.js';

export function App() {
  return (
    <>
      <Header />
      <main>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route
            path="/orders"
            element={
              <RequireSignIn fallback={<SignInNeeded />}>
                <Orders />
              </RequireSignIn>
            }
          />
          <Route path="/callback" element={<Callback />} />
        </Routes>
      </main>
    </>
  );
}

function Header() {
  const { status, isLoading, isSignedIn, claims, signIn, signOut } = useSession<AppClaims>();
  const navigate = useNavigate();
  return (
    <header>
      <nav>
        <Link to="/">Home</Link> · <Link to="/orders">Orders</Link>
      </nav>
      <p>
        Status: <output data-testid="status">{status}</output>
      </p>
      {isSignedIn ? (
        <>
          <p data-testid="user">{claims?.name}</p>
          <button onClick={() => void signOut({ revoke: true }).then(() => navigate('/'))}>Sign out</button>
        </>
      ) : (
        <button disabled={isLoading} onClick={() => void signIn({ returnTo: '/' })}>
          Sign in
        </button>
      )}
    </header>
  );
}

function Home() {
  const { isSignedIn, claims } = useSession<AppClaims>();
  return (
    <section>
      <h1>Home</h1>
      <p>{isSignedIn ? `Hello ${claims?.name ?? claims?.sub}, in groups ${claims?.groups?.join(', ') || 'none'}.` : 'You are signed out.'}</p>
    </section>
  );
}

/** What a protected page shows until there is a session: a note while redirecting, the reason and a retry when sign-in could not start. */
function SignInNeeded() {
  const { error, signIn } = useSession();
  if (!error) return <p>Taking you to sign in…</p>;
  return (
    <p role="alert">
      Sign-in is not available right now ({error.code}).{' '}
      <button onClick={() => void signIn({ returnTo: location.pathname })}>Try again</button>
    </p>
  );
}

function Callback() {
  const navigate = useNavigate();
  return (
    <SignInCallback
      onDone={(appState) => navigate(appState?.returnTo ?? '/', { replace: true })}
      fallback={<p>Signing you in…</p>}
      renderError={(error) => (
        <p role="alert">
          Sign-in failed ({error.code}). <Link to="/">Back home</Link>
        </p>
      )}
    />
  );
}
