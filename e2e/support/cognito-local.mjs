// cognito-local (an emulator of the Cognito user-pool API) for the e2e tests:
// started on 127.0.0.1 on a free port, with its `.cognito/` data in a
// temporary folder, and stopped again by the tests.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const START = join(dirname(require.resolve('cognito-local/package.json')), 'lib/bin/start.js');
const STARTUP_TIMEOUT_MS = 30_000;

/** Asks the OS for a free port on 127.0.0.1. The emulator needs it up front: it writes it into its tokens' `iss`. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts cognito-local and resolves once it says it is listening.
 *
 * @returns {Promise<{ endpoint: string, call: (operation: string, body: object) => Promise<any>,
 *   createUserPool: (options?: object) => Promise<any>, close: () => Promise<void> }>}
 */
export async function startCognitoLocal() {
  const dataDir = await mkdtemp(join(tmpdir(), 'tokenvault-cognito-local-'));
  const port = await freePort();
  const child = spawn(process.execPath, [START], {
    cwd: dataDir,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Kept for the error message if it fails to start; never printed otherwise (it logs requests).
  let output = '';
  const collect = (chunk) => {
    output = (output + chunk).slice(-4000);
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  const exited = new Promise((resolve) => child.once('exit', resolve));

  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cognito-local did not start within ${STARTUP_TIMEOUT_MS} ms:\n${output}`)), STARTUP_TIMEOUT_MS);
      const onData = () => {
        if (output.includes(`running on http://127.0.0.1:${port}`)) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`cognito-local exited with ${code}:\n${output}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  const endpoint = `http://127.0.0.1:${port}/`;

  /** Calls a user-pool API operation; resolves with the JSON answer, rejects on an error answer. */
  async function call(operation, body) {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    const json = text === '' ? {} : JSON.parse(text);
    if (!response.ok) {
      const error = new Error(`${operation} → ${response.status} ${json.__type ?? ''}`);
      Object.assign(error, { status: response.status, type: json.__type });
      throw error;
    }
    return json;
  }

  /**
   * Creates a pool, a public app client (no secret, USER_PASSWORD_AUTH + refresh,
   * revocation on), one user with a permanent password, and puts the user in groups.
   */
  async function createUserPool({ tokenValiditySeconds = 3600, email = 'alice@example.test', password = 'Corr3ct-Horse!', groups = [] } = {}) {
    const { UserPool } = await call('CreateUserPool', { PoolName: 'tokenvault-e2e' });
    const { UserPoolClient } = await call('CreateUserPoolClient', {
      UserPoolId: UserPool.Id,
      ClientName: 'tokenvault-spa',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      EnableTokenRevocation: true,
      AccessTokenValidity: tokenValiditySeconds,
      IdTokenValidity: tokenValiditySeconds,
      TokenValidityUnits: { AccessToken: 'seconds', IdToken: 'seconds' },
    });
    // The emulator's pools use email as the username by default.
    const { User } = await call('AdminCreateUser', {
      UserPoolId: UserPool.Id,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: email }],
    });
    await call('AdminSetUserPassword', { UserPoolId: UserPool.Id, Username: email, Password: password, Permanent: true });
    for (const group of groups) {
      await call('CreateGroup', { UserPoolId: UserPool.Id, GroupName: group });
      await call('AdminAddUserToGroup', { UserPoolId: UserPool.Id, Username: email, GroupName: group });
    }
    const clientId = UserPoolClient.ClientId;
    return {
      poolId: UserPool.Id,
      clientId,
      sub: User.Attributes.find((a) => a.Name === 'sub')?.Value,
      issuer: `http://127.0.0.1:${port}/${UserPool.Id}`,
      jwksUri: `http://127.0.0.1:${port}/${UserPool.Id}/.well-known/jwks.json`,
      /** Signs the user in with USER_PASSWORD_AUTH; resolves with the AuthenticationResult. */
      async signIn() {
        const answer = await call('InitiateAuth', {
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: clientId,
          AuthParameters: { USERNAME: email, PASSWORD: password },
        });
        return answer.AuthenticationResult;
      },
    };
  }

  async function close() {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  }

  return { endpoint, call, createUserPool, close };
}
