import { TokenVaultError, type Provider } from 'tokenvault';

const myProvider: Provider = {
  async refresh(refreshToken, { signal } = {}) {
    const res = await fetch('/bff/refresh', { method: 'POST', body: refreshToken, signal: signal ?? null });
    if (res.status === 401) throw new TokenVaultError('invalid_grant', 'Session ended.');
    if (!res.ok) throw new TokenVaultError('server_error', `Refresh failed with ${res.status}.`);
    return res.json(); // { access_token, expires_in, refresh_token?, id_token? }
  },
  async revoke(refreshToken) {
    await fetch('/bff/revoke', { method: 'POST', body: refreshToken });
  },
};
