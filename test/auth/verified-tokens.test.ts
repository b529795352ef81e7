import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ApiKeyStore } from '../../src/auth/api-keys.js';
import { loadAuthConfig } from '../../src/auth/auth-config.js';
import { Authenticator } from '../../src/auth/authenticator.js';
import { LocalIssuer } from '../../src/auth/local-issuer.js';
import type { Principal } from '../../src/auth/principal.js';
import { VerifiedTokenCache } from '../../src/auth/verified-tokens.js';
import { AuthError } from '../../src/auth/auth-errors.js';

const principal = (actorId: string): Principal => ({ actorId, actorKind: 'user', roles: ['auditor'], projects: ['p1'], method: 'local' });

describe('VerifiedTokenCache', () => {
  it('given a cached token, when read before its expiry, then it answers the principal; at its exp it no longer does', () => {
    let now = 1_000_000;
    const cache = new VerifiedTokenCache(10, 60_000, () => now);
    cache.set('k', principal('usr:a'), (now + 30_000) / 1000);
    assert.equal(cache.get('k')?.actorId, 'usr:a');
    now += 29_999;
    assert.equal(cache.get('k')?.actorId, 'usr:a');
    now += 1;
    assert.equal(cache.get('k'), undefined);
    assert.equal(cache.size, 0, 'an expired entry is dropped when read');
  });

  it('given a long-lived token, when maxAge passes first, then the token must be verified again', () => {
    let now = 5_000_000;
    const cache = new VerifiedTokenCache(10, 60_000, () => now);
    cache.set('k', principal('usr:a'), (now + 3_600_000) / 1000);
    now += 59_999;
    assert.ok(cache.get('k'));
    now += 1;
    assert.equal(cache.get('k'), undefined);
  });

  it('does not cache a token without exp, or one already expired', () => {
    const now = 7_000_000;
    const cache = new VerifiedTokenCache(10, 60_000, () => now);
    cache.set('no-exp', principal('usr:a'), undefined);
    cache.set('past', principal('usr:b'), (now - 1) / 1000);
    cache.set('now', principal('usr:c'), now / 1000);
    assert.equal(cache.size, 0);
  });

  it('is bounded: the oldest entry goes first', () => {
    const now = 9_000_000;
    const cache = new VerifiedTokenCache(3, 60_000, () => now);
    for (const k of ['a', 'b', 'c', 'd']) cache.set(k, principal(`usr:${k}`), (now + 10_000) / 1000);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('a'), undefined);
    assert.deepEqual(
      ['b', 'c', 'd'].map((k) => cache.get(k)?.actorId),
      ['usr:b', 'usr:c', 'usr:d'],
    );
  });

  it('hands out frozen principals (one object is shared by every request with the token)', () => {
    const now = 9_000_000;
    const cache = new VerifiedTokenCache(3, 60_000, () => now);
    cache.set('k', principal('usr:a'), (now + 10_000) / 1000);
    const p = cache.get('k')!;
    assert.ok(Object.isFrozen(p) && Object.isFrozen(p.roles) && Object.isFrozen(p.projects));
    assert.throws(() => (p.roles as string[]).push('admin'), TypeError);
  });

  it('keys are digests: the cache never holds the bearer token itself', () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const key = VerifiedTokenCache.keyOf(token);
    assert.match(key, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!key.includes(token.slice(0, 10)));
    assert.equal(VerifiedTokenCache.keyOf(token), key);
    assert.notEqual(VerifiedTokenCache.keyOf(`${token}x`), key);
  });
});

describe('Authenticator with the verified-token cache (real local issuer)', () => {
  let dir: string;
  let issuer: LocalIssuer;
  let verifications = 0;
  let pool: pg.Pool;
  const counting = (): LocalIssuer =>
    ({
      verify: (t: string) => {
        verifications++;
        return issuer.verify(t);
      },
    }) as unknown as LocalIssuer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qledger-tokens-'));
    issuer = (await LocalIssuer.open(dir, { create: true, passphrase: undefined, allowInsecure: true }))!;
    pool = new pg.Pool(); // never connected: JWTs do not touch the API key table
  });
  after(async () => {
    await pool.end();
    await rm(dir, { recursive: true, force: true });
  });

  const authenticator = (cache: VerifiedTokenCache): Authenticator =>
    new Authenticator(loadAuthConfig({}, { localIssuer: true }), new ApiKeyStore(pool), counting(), cache);

  it('given a token that verified, when it comes again, then the principal is answered without verifying again', async () => {
    verifications = 0;
    const auth = authenticator(new VerifiedTokenCache());
    const token = await issuer.issue({ subject: 'usr:cache', role: 'auditor', projects: ['p1'], ttlSeconds: 60 });
    const first = await auth.fromToken(token);
    const second = await auth.fromToken(token);
    assert.equal(verifications, 1);
    assert.deepEqual(second, first);
    assert.deepEqual(first.roles, ['auditor']);
  });

  it('given a forged token, when it comes twice, then both are refused and nothing is cached', async () => {
    verifications = 0;
    const cache = new VerifiedTokenCache();
    const auth = authenticator(cache);
    const token = await issuer.issue({ subject: 'usr:cache', role: 'admin', projects: '*', ttlSeconds: 60 });
    const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        auth.fromToken(forged),
        (e: unknown) => e instanceof AuthError && e.code === 'INVALID_CREDENTIALS' && e.getStatus() === 401,
      );
    }
    assert.equal(verifications, 2);
    assert.equal(cache.size, 0);
  });

  it('given a cached token whose cache entry aged out, when it comes again, then it is verified again', async () => {
    verifications = 0;
    let now = Date.now();
    const auth = authenticator(new VerifiedTokenCache(100, 1000, () => now));
    const token = await issuer.issue({ subject: 'usr:cache', role: 'auditor', projects: '*', ttlSeconds: 60 });
    await auth.fromToken(token);
    now += 1000;
    await auth.fromToken(token);
    assert.equal(verifications, 2);
  });
});
