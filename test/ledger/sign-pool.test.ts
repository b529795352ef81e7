import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { LocalKeystore } from '../../src/ledger/keys/keystore.js';
import { SignPool } from '../../src/ledger/keys/sign-pool.js';

function verifies(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(pub).toString('base64url') }, format: 'jwk' });
  return verify(null, msg, key, sig);
}

const messages = (n: number, tag: string): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => new TextEncoder().encode(`${tag} message ${i} ${'x'.repeat(i % 7)}`));

describe('sign pool (Ed25519 on worker threads)', () => {
  it('signs a burst of messages of two keys on two threads, each signature by the right key over the right message', async () => {
    const pool = new SignPool(2);
    try {
      const ks = new LocalKeystore({
        dir: await mkdtemp(join(tmpdir(), 'qledger-pool-')),
        passphrase: undefined,
        allowInsecure: true,
        signPool: pool,
      });
      const [a, b] = [await ks.create(), await ks.create()];
      const ma = messages(25, 'a');
      const mb = messages(25, 'b');
      const [sa, sb] = await Promise.all([Promise.all(ma.map((m) => a.sign(m))), Promise.all(mb.map((m) => b.sign(m)))]);
      ma.forEach((m, i) => assert.ok(verifies(a.publicKey, m, sa[i] as Uint8Array), `a ${i}`));
      mb.forEach((m, i) => assert.ok(verifies(b.publicKey, m, sb[i] as Uint8Array), `b ${i}`));
      // Crossed: a signature of one key does not verify under the other, nor over another message.
      assert.equal(verifies(b.publicKey, ma[0] as Uint8Array, sa[0] as Uint8Array), false);
      assert.equal(verifies(a.publicKey, ma[1] as Uint8Array, sa[0] as Uint8Array), false);
      assert.equal(pool.usable, true);
    } finally {
      await pool.close();
    }
  });

  it('given a closed pool, when a signer signs, then it signs on its own thread and the signature verifies', async () => {
    const pool = new SignPool(1);
    const ks = new LocalKeystore({
      dir: await mkdtemp(join(tmpdir(), 'qledger-pool-')),
      passphrase: undefined,
      allowInsecure: true,
      signPool: pool,
    });
    const signer = await ks.create();
    const pending = signer.sign(new TextEncoder().encode('sent before close'));
    await pool.close();
    assert.equal(pool.usable, false);
    assert.ok(verifies(signer.publicKey, new TextEncoder().encode('sent before close'), await pending));
    const msg = new TextEncoder().encode('after close');
    assert.ok(verifies(signer.publicKey, msg, await signer.sign(msg)));
  });

  it('given a pool, when inspected or serialized, then no key material shows', async () => {
    const pool = new SignPool(1);
    try {
      const ks = new LocalKeystore({
        dir: await mkdtemp(join(tmpdir(), 'qledger-pool-')),
        passphrase: undefined,
        allowInsecure: true,
        signPool: pool,
      });
      const signer = await ks.create();
      await signer.sign(new Uint8Array(53));
      assert.deepEqual(JSON.parse(JSON.stringify(signer)), { kid: signer.kid });
      assert.deepEqual(JSON.parse(JSON.stringify(pool)), { threads: 1, usable: true });
      assert.equal(inspect(pool), 'SignPool { threads: 1, usable: true }');
      assert.equal(inspect(signer), `LocalSigner { kid: '${signer.kid}' }`);
    } finally {
      await pool.close();
    }
  });
});
