import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { loadAuthConfig } from '../../src/auth/auth-config.js';
import { commandMetadataFor, userActorId, type Principal } from '../../src/auth/principal.js';
import { ConfigError } from '../../src/config/config.js';
import { useLedgerFixture } from '../support/ledger-fixture.js';
import { getJson, startTestApp, type TestApp } from './app-fixture.js';

const ISSUER = 'https://id.example.test/realm';
const AUDIENCE = 'qledger-api';

interface Jwks {
  readonly server: Server;
  readonly uri: string;
  readonly key: CryptoKey;
  requests: number;
}

/** A real HTTP server publishing one RS256 public key as a JWKS. */
async function startJwks(): Promise<Jwks> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    state.requests++;
    if (req.url !== '/jwks') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    uri: `http://127.0.0.1:${port}/jwks`,
    key: privateKey,
    get requests() {
      return state.requests;
    },
  };
}

function oidcToken(
  key: CryptoKey | Uint8Array,
  claims: Record<string, unknown>,
  o: { alg?: string; iss?: string; aud?: string; exp?: number; sub?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: 'alice@example.com', name: 'Alice Example', ...claims })
    .setProtectedHeader({ alg: o.alg ?? 'RS256', kid: 'k1' })
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setSubject(o.sub ?? 'alice-subject-123')
    .setIssuedAt(now)
    .setExpirationTime(o.exp ?? now + 300)
    .sign(key);
}

describe('access control over real HTTP', () => {
  let api!: TestApp;
  // Registered before the fixture's hooks: the app (and its projection runners) stops before the database goes.
  after(async () => {
    if (api) await api.close();
  });
  const ctx = useLedgerFixture();
  let jwks: Jwks;

  before(async () => {
    jwks = await startJwks();
    const auth = loadAuthConfig({
      QLEDGER_OIDC_ISSUERS: JSON.stringify([{ issuer: ISSUER, jwksUri: jwks.uri, audience: AUDIENCE, algorithms: ['RS256'] }]),
    });
    api = await startTestApp(ctx.db, ctx.fx, auth);
  });
  after(async () => {
    await new Promise((r) => jwks.server.close(r));
  });

  it('health probes answer without credentials', async () => {
    assert.equal((await getJson(`${api.url}/health/live`)).status, 200);
    assert.equal((await getJson(`${api.url}/health/ready`)).status, 200);
  });

  it('refuses a request without credentials with 401 and one line', async () => {
    const r = await getJson(`${api.url}/auth/whoami`);
    assert.equal(r.status, 401);
    assert.equal(r.body.error?.code, 'UNAUTHENTICATED');
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
    assert.doesNotMatch(r.body.error?.message ?? '\n', /\n/);
  });

  it('refuses garbage, a non-bearer scheme and an unknown issuer with 401', async () => {
    assert.equal((await getJson(`${api.url}/auth/whoami`, 'not-a-token')).body.error?.code, 'INVALID_CREDENTIALS');
    const basic = await fetch(`${api.url}/auth/whoami`, { headers: { authorization: 'Basic dXNlcjpwdw==' } });
    assert.equal(basic.status, 401);
    const other = await oidcToken(jwks.key, { qledger_roles: ['admin'], qledger_projects: '*' }, { iss: 'https://evil.example.test/' });
    assert.equal((await getJson(`${api.url}/auth/whoami`, other)).status, 401);
  });

  it('accepts an OIDC token checked against the issuer JWKS, with a pseudonymous actor id only', async () => {
    const token = await oidcToken(jwks.key, { qledger_roles: ['auditor', 'bogus'], qledger_projects: ['p1'] });
    const r = await getJson(`${api.url}/auth/whoami`, token);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body['actorId'], userActorId(ISSUER, 'alice-subject-123'));
    assert.match(r.body['actorId'] as string, /^usr:[0-9a-f]{24}$/);
    assert.deepEqual(r.body['roles'], ['auditor']);
    assert.deepEqual(r.body['projects'], ['p1']);
    assert.doesNotMatch(JSON.stringify(r.body), /alice|Alice|example\.com/);
    assert.ok(jwks.requests >= 1, 'the JWKS was fetched over HTTP');
  });

  it('refuses wrong audience, expired, unpinned algorithm and a foreign signing key with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { qledger_roles: ['admin'], qledger_projects: '*' };
    const foreign = (await generateKeyPair('RS256')).privateKey;
    const cases = {
      audience: await oidcToken(jwks.key, claims, { aud: 'someone-else' }),
      expired: await oidcToken(jwks.key, claims, { exp: now - 120 }),
      hs256: await oidcToken(new TextEncoder().encode('a shared secret of thirty-two bytes!'), claims, { alg: 'HS256' }),
      foreign: await oidcToken(foreign, claims),
    };
    for (const [name, token] of Object.entries(cases)) {
      const r = await getJson(`${api.url}/auth/whoami`, token);
      assert.equal(r.status, 401, `${name}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error?.code, 'INVALID_CREDENTIALS', name);
    }
  });

  it('gives 403 to valid credentials without a qledger role', async () => {
    const r = await getJson(`${api.url}/auth/whoami`, await oidcToken(jwks.key, {}));
    assert.equal(r.status, 403);
    assert.equal(r.body.error?.code, 'FORBIDDEN_ROLE');
  });

  it('accepts local-issuer tokens, refuses tampered ones', async () => {
    const token = await api.token('operator');
    const r = await getJson(`${api.url}/auth/whoami`, token);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body['roles'], ['operator']);
    assert.equal(r.body['method'], 'local');
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, qledger_roles: ['admin'] })).toString('base64url')}.${s}`;
    assert.equal((await getJson(`${api.url}/auth/whoami`, forged)).status, 401);
  });

  it('API keys: shown once, only a hash stored, revocation takes effect at once', async () => {
    const { keyId, key } = await api.apiKeys.create('worker', ['p1']);
    const r = await getJson(`${api.url}/auth/whoami`, key);
    assert.equal(r.status, 200);
    assert.equal(r.body['actorId'], `wrk:key-${keyId}`);
    assert.equal(r.body['actorKind'], 'worker');
    const { rows } = await ctx.db.pool.query('SELECT * FROM ql_api_keys');
    const secret = key.split('_')[2] as string;
    assert.doesNotMatch(JSON.stringify(rows), new RegExp(secret.replace(/[-]/g, '\\-')));
    assert.equal((await getJson(`${api.url}/auth/whoami`, `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).status, 401);
    assert.equal(await api.apiKeys.revoke(keyId), true);
    assert.equal((await getJson(`${api.url}/auth/whoami`, key)).status, 401);
  });
});

describe('auth configuration is validated at start', () => {
  const bad: Array<[string, string]> = [
    ['not json', 'QLEDGER_OIDC_ISSUERS'],
    ['{"issuer":"x"}', 'QLEDGER_OIDC_ISSUERS'],
    ['[{"issuer":"https://a/","jwksUri":"http://10.0.0.1/jwks","audience":"a","algorithms":["RS256"]}]', 'jwksUri'],
    ['[{"issuer":"https://a/","jwksUri":"https://a/jwks","audience":"a","algorithms":["HS256"]}]', 'algorithms'],
    ['[{"issuer":"https://a/","jwksUri":"https://a/jwks","audience":"a","algorithms":["none"]}]', 'algorithms'],
    ['[{"issuer":"https://a/","jwksUri":"https://a/jwks","algorithms":["RS256"]}]', 'audience'],
    ['[{"issuer":"qledger-local","jwksUri":"https://a/jwks","audience":"a","algorithms":["RS256"]}]', 'issuer'],
    ['[{"issuer":"https://a/","jwksUri":"https://a/jwks","audience":"a","algorithms":["RS256"],"extra":1}]', 'extra'],
  ];
  for (const [value, names] of bad) {
    it(`refuses ${value.slice(0, 60)}`, () => {
      assert.throws(
        () => loadAuthConfig({ QLEDGER_OIDC_ISSUERS: value }),
        (e: unknown) => e instanceof ConfigError && e.message.includes(names),
      );
    });
  }
  it('accepts a valid issuer list and no list at all', () => {
    assert.equal(loadAuthConfig({}).issuers.length, 0);
    const c = loadAuthConfig({
      QLEDGER_OIDC_ISSUERS: '[{"issuer":"https://a/","jwksUri":"https://a/jwks","audience":"a","algorithms":["ES256","EdDSA"]}]',
    });
    assert.deepEqual(c.issuers[0]?.algorithms, ['ES256', 'EdDSA']);
    assert.equal(c.issuers[0]?.rolesClaim, 'qledger_roles');
  });
});

describe('principal to command metadata', () => {
  it('carries the pseudonymous actor and the time given', () => {
    const p: Principal = { actorId: 'usr:0123456789abcdef01234567', actorKind: 'user', roles: ['operator'], projects: '*', method: 'oidc' };
    const now = new Date('2026-03-01T10:00:00.000Z');
    const m = commandMetadataFor(p, { now });
    assert.deepEqual(m.actor, { id: p.actorId, kind: 'user' });
    assert.equal(m.occurredAt, '2026-03-01T10:00:00.000Z');
    assert.equal(m.correlationId, m.commandId);
  });
});

describe('qledger token', () => {
  const MAIN = new URL('../../src/cli/main.js', import.meta.url).pathname;
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [MAIN, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', timeout: 60_000 });

  it('prints a short-lived token; the issuer key is kept with mode 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qledger-token-'));
    const r = run(['token', '--role', 'auditor', '--project', 'p1,p2', '--ttl', '15m', '--data-dir', dir], {});
    assert.equal(r.status, 0, r.stderr);
    const claims = decodeJwt(r.stdout.trim());
    assert.deepEqual(claims['qledger_roles'], ['auditor']);
    assert.deepEqual(claims['qledger_projects'], ['p1', 'p2']);
    assert.equal((claims.exp as number) - (claims.iat as number), 900);
    assert.equal(statSync(join(dir, 'auth', 'local-issuer.json')).mode & 0o777, 0o600);
  });

  it('refuses a bad role, a long ttl and an external database with exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qledger-token-'));
    for (const [args, env] of [
      [['token', '--role', 'root', '--data-dir', dir], {}],
      [['token', '--role', 'admin', '--ttl', '48h', '--data-dir', dir], {}],
      [['token', '--role', 'admin', '--data-dir', dir], { QLEDGER_PG_URL: 'postgresql://u@127.0.0.1:1/x' }],
    ] as const) {
      const r = run([...args], env);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
