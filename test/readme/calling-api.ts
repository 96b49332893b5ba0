import { createSession, oauth2 } from 'tokenvault';

const session = createSession({
  provider: oauth2({ tokenEndpoint: 'https://id.example.com/oauth/token', clientId: 'spa-client' }),
  origins: ['https://api.example.com'],  // besides the page's own origin
});

const orders = await session.fetch('https://api.example.com/orders');  // Authorization: Bearer …
const me = await session.fetch('/api/me', { method: 'POST', body: JSON.stringify({ seen: true }) });
const avatar = await session.fetch('https://cdn.example.net/a.png');  // another origin: sent without a token
