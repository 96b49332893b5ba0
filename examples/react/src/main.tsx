import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { SessionProvider } from 'tokenvault/react';
import { App } from './app.js';
import { session, signIn } from './auth.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider session={session} signIn={signIn}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </SessionProvider>
  </StrictMode>,
);
