import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { migrate, type Migration } from '../pg/migrate.js';
import type { Principal, ProjectScope, Role } from './principal.js';

export const API_KEY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'api keys',
    sql: `
CREATE TABLE ql_api_keys (
  key_id      text        PRIMARY KEY,
  secret_hash bytea       NOT NULL,
  role        text        NOT NULL,
  projects    text[],
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
`,
  },
];

const KEY_FORMAT = /^qlk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyInfo {
  readonly keyId: string;
  readonly role: Role;
  readonly projects: ProjectScope;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/**
 * API keys for workers and services: `qlk_<key id>_<secret>`. Only SHA-256 of the 256-bit
 * secret is stored (a slow hash adds nothing for a random secret of that size); the key is
 * shown once, at creation.
 */
export class ApiKeyStore {
  constructor(private readonly pool: pg.Pool) {}

  static looksLikeKey(token: string): boolean {
    return token.startsWith('qlk_');
  }

  async migrate(): Promise<void> {
    await migrate(this.pool, 'auth', API_KEY_MIGRATIONS);
  }

  async create(role: Role, projects: ProjectScope): Promise<{ keyId: string; key: string }> {
    const keyId = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    await this.pool.query('INSERT INTO ql_api_keys (key_id, secret_hash, role, projects) VALUES ($1, $2, $3, $4)', [
      keyId,
      hashSecret(secret),
      role,
      projects === '*' ? null : [...projects],
    ]);
    return { keyId, key: `qlk_${keyId}_${secret}` };
  }

  async list(): Promise<ApiKeyInfo[]> {
    const { rows } = await this.pool.query<Row>(
      'SELECT key_id, role, projects, created_at, revoked_at FROM ql_api_keys ORDER BY created_at, key_id',
    );
    return rows.map(toInfo);
  }

  /** True when a key was revoked now; false when there is no such active key. */
  async revoke(keyId: string): Promise<boolean> {
    const r = await this.pool.query('UPDATE ql_api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL', [keyId]);
    return (r.rowCount ?? 0) > 0;
  }

  /** The principal of a valid, unrevoked key, or undefined. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const m = KEY_FORMAT.exec(token);
    if (!m) return undefined;
    const [, keyId, secret] = m as unknown as [string, string, string];
    const { rows } = await this.pool.query<Row & { secret_hash: Buffer }>(
      'SELECT key_id, secret_hash, role, projects, created_at, revoked_at FROM ql_api_keys WHERE key_id = $1',
      [keyId],
    );
    const row = rows[0];
    const given = hashSecret(secret);
    // Compare even when there is no row, so timing does not tell which key ids exist.
    const stored = row?.secret_hash ?? Buffer.alloc(32);
    const equal = timingSafeEqual(given, stored);
    if (!row || !equal || row.revoked_at !== null) return undefined;
    const info = toInfo(row);
    return {
      actorId: `${info.role === 'worker' ? 'wrk' : 'svc'}:key-${info.keyId}`,
      actorKind: info.role === 'worker' ? 'worker' : 'service',
      roles: [info.role],
      projects: info.projects,
      method: 'apikey',
    };
  }
}

interface Row {
  key_id: string;
  role: string;
  projects: string[] | null;
  created_at: Date;
  revoked_at: Date | null;
}

function toInfo(r: Row): ApiKeyInfo {
  return { keyId: r.key_id, role: r.role as Role, projects: r.projects ?? '*', createdAt: r.created_at, revokedAt: r.revoked_at };
}

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(`qledger/api-key/v1\n${secret}`).digest();
}
