import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { ApiModule } from '../../src/app/api.module.js';
import { AppModule } from '../../src/app/app.module.js';
import type { AuthConfig } from '../../src/auth/auth-config.js';
import { ApiKeyStore } from '../../src/auth/api-keys.js';
import { LocalIssuer } from '../../src/auth/local-issuer.js';
import type { ProjectScope, Role } from '../../src/auth/principal.js';
import { loadConfig } from '../../src/config/config.js';
import { ProofService } from '../../src/ledger/proofs/proof-service.js';
import { MerkleStore } from '../../src/ledger/sealer/merkle-store.js';
import type { Ledger } from '../../src/ledger/open-ledger.js';
import type { LedgerFixture } from '../support/ledger-fixture.js';
import type { TestDatabase } from '../support/pg.js';

export interface TestApp {
  readonly app: INestApplication;
  readonly url: string;
  readonly dataDir: string;
  readonly issuer: LocalIssuer;
  readonly apiKeys: ApiKeyStore;
  /** A local-issuer token for one role. */
  token(role: Role, projects?: ProjectScope): Promise<string>;
  close(): Promise<void>;
}

/** The real AppModule on a test database, listening on a free loopback port. */
export async function startTestApp(
  db: TestDatabase,
  fx: LedgerFixture,
  auth: Pick<AuthConfig, 'issuers'> = { issuers: [] },
  env: Readonly<Record<string, string>> = {},
): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'qledger-api-'));
  // Development key mode: the local issuer secret may stay unencrypted in this throwaway data dir.
  const config = loadConfig({ ...env, QLEDGER_DATA_DIR: dataDir, QLEDGER_DEV_INSECURE_KEYS: 'true' });
  const merkle = await MerkleStore.open(db.pool);
  const ledger = {
    merkle,
    proofs: new ProofService(fx.store, merkle),
    store: fx.store,
    keyRing: fx.keyRing,
    writer: fx.writer,
    pool: db.pool,
    database: 'external',
    insecureKeys: true,
    keystore: undefined,
    close: async () => undefined,
  } as unknown as Ledger;
  const app = await NestFactory.create(
    AppModule.forLedger(ledger, config, ApiModule.forRoot(ledger, config, { issuers: auth.issuers, localIssuer: true })),
    {
      logger: false,
    },
  );
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const issuer = (await LocalIssuer.open(dataDir, { create: true, passphrase: undefined, allowInsecure: true }))!;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    issuer,
    apiKeys: new ApiKeyStore(db.pool),
    token: (role, projects = '*') => issuer.issue({ subject: `test-${role}`, role, projects, ttlSeconds: 600 }),
    close: () => app.close(),
  };
}

export async function getJson(
  url: string,
  token?: string,
): Promise<{ status: number; body: { error?: { code: string; message: string } } & Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.status, body, headers: res.headers };
}
