import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { kidOf } from 'ledger-verify';
import { LocalKeystore } from '../../src/ledger/keys/keystore.js';

const dir = () => mkdtemp(join(tmpdir(), 'qledger-keys-'));
const PASS = 'correct horse battery staple';

function verifies(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(pub).toString('base64url') }, format: 'jwk' });
  return verify(null, msg, key, sig);
}

describe('local keystore', () => {
  it('creates an encrypted key (0600, no secret in the file) that loads back and signs', async () => {
    const d = await dir();
    const ks = new LocalKeystore({ dir: d, passphrase: PASS, allowInsecure: false });
    const signer = await ks.create();
    assert.equal(signer.kid, kidOf(signer.publicKey));
    const path = join(d, `${signer.kid}.json`);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const file = JSON.parse(await readFile(path, 'utf8'));
    assert.equal(file.protection, 'scrypt-aes-256-gcm');
    assert.equal(file.secretKey, undefined);
    const loaded = await new LocalKeystore({ dir: d, passphrase: PASS, allowInsecure: false }).load(signer.kid);
    const msg = new TextEncoder().encode('hello');
    assert.ok(verifies(signer.publicKey, msg, await loaded.sign(msg)));
    assert.deepEqual(await ks.list(), [signer.kid]);
  });

  it('refuses a wrong passphrase with WRONG_KEY_PASSPHRASE', async () => {
    const d = await dir();
    const signer = await new LocalKeystore({ dir: d, passphrase: PASS, allowInsecure: false }).create();
    await assert.rejects(new LocalKeystore({ dir: d, passphrase: 'another passphrase!', allowInsecure: false }).load(signer.kid), {
      code: 'WRONG_KEY_PASSPHRASE',
    });
  });

  it('needs a passphrase unless development mode is asked for', async () => {
    const d = await dir();
    await assert.rejects(new LocalKeystore({ dir: d, passphrase: undefined, allowInsecure: false }).create(), {
      code: 'NO_KEY_PASSPHRASE',
    });
  });

  it('in development mode stores the key unencrypted, and encrypts it in place once a passphrase is set', async () => {
    const d = await dir();
    const dev = new LocalKeystore({ dir: d, passphrase: undefined, allowInsecure: true });
    assert.equal(dev.insecure, true);
    const signer = await dev.create();
    const path = join(d, `${signer.kid}.json`);
    assert.equal(JSON.parse(await readFile(path, 'utf8')).protection, 'none');
    await new LocalKeystore({ dir: d, passphrase: PASS, allowInsecure: true }).load(signer.kid);
    const after = JSON.parse(await readFile(path, 'utf8'));
    assert.equal(after.protection, 'scrypt-aes-256-gcm');
    assert.equal(after.secretKey, undefined);
    await assert.rejects(new LocalKeystore({ dir: d, passphrase: undefined, allowInsecure: true }).load(signer.kid), {
      code: 'KEY_ENCRYPTED',
    });
  });

  it('never shows key material when a signer is logged or serialized', async () => {
    const d = await dir();
    const signer = await new LocalKeystore({ dir: d, passphrase: undefined, allowInsecure: true }).create();
    const file = JSON.parse(await readFile(join(d, `${signer.kid}.json`), 'utf8'));
    for (const shown of [inspect(signer, { depth: 10, showHidden: true }), JSON.stringify(signer), String(signer)]) {
      assert.ok(!shown.includes(file.secretKey), `secret leaked in: ${shown}`);
    }
  });

  it('rejects a key file that was swapped for another key', async () => {
    const d = await dir();
    const ks = new LocalKeystore({ dir: d, passphrase: PASS, allowInsecure: false });
    const a = await ks.create();
    const b = await ks.create();
    const { copyFile } = await import('node:fs/promises');
    await copyFile(join(d, `${b.kid}.json`), join(d, `${a.kid}.json`));
    await assert.rejects(ks.load(a.kid), { code: 'KEY_FILE_CORRUPT' });
  });
});
