import type pg from 'pg';
import { ApiKeyStore } from './api-keys.js';
import type { AuthConfig } from './auth-config.js';
import { Authenticator } from './authenticator.js';
import { LocalIssuer } from './local-issuer.js';

/** Builds the authenticator of a running service: migrates the API key table, loads the local issuer. */
export async function createAuthenticator(pool: pg.Pool, dataDir: string, config: AuthConfig): Promise<Authenticator> {
  const apiKeys = new ApiKeyStore(pool);
  await apiKeys.migrate();
  const local = config.localIssuer ? await LocalIssuer.open(dataDir, { create: true }) : undefined;
  return new Authenticator(config, apiKeys, local);
}
