// main.tsx
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Link, Route, Routes, useNavigate } from 'react-router';
import { RequireSignIn, SessionProvider, SignInCallback, useSession } from 'tokenvault/react';
import { session, signIn, type AppClaims } from './auth.js';

function Header() {
  const { isLoading, isSignedIn, claims, signIn, signOut } = useSession<AppClaims>();
  if (isLoading) return <header>…</header>;
  return isSignedIn ? (
    <header>
      {claims?.name} ({claims?.tenant}) <button onClick={() => void signOut({ revoke: true })}>Sign out</button>
    </header>
  ) : (
    <header>
      <button onClick={() => void signIn({ returnTo: location.pathname })}>Sign in</button>
    </header>
  );
}

// Shown by RequireSignIn while there is no session: sign-in is starting, or could not start.
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

function Orders() {
  const { fetch } = useSession(); // session.fetch: the token goes to the session's origins only
  const load = async () => {
    const response = await fetch('https://api.example.com/orders');
    return response.json();
  };
  return <button onClick={() => void load()}>Load orders</button>;
}

function Callback() {
  const navigate = useNavigate();
  return (
    <SignInCallback
      onDone={(appState) => navigate(appState?.returnTo ?? '/', { replace: true })}
      fallback={<p>Signing you in…</p>}
      renderError={(error) => <p role="alert">Sign-in failed ({error.code}). <Link to="/">Home</Link></p>}
    />
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider session={session} signIn={signIn}>
      <BrowserRouter>
        <Header />
        <Routes>
          <Route path="/" element={<p>Home</p>} />
          <Route path="/orders" element={<RequireSignIn fallback={<SignInNeeded />}><Orders /></RequireSignIn>} />
          <Route path="/callback" element={<Callback />} />
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  </StrictMode>,
);
