import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LocalIssuer } from '../../src/auth/local-issuer.js';
import { LedgerError } from '../../src/domain/errors.js';

const rejectsWith = (code: string) => (e: unknown) => e instanceof LedgerError && e.code === code;
const tmp = () => mkdtemp(join(tmpdir(), 'qledger-issuer-'));
const issue = (i: LocalIssuer) => i.issue({ subject: 'usr:test', role: 'auditor', projects: '*', ttlSeconds: 60 });

describe('local issuer secret at rest', () => {
  it('is encrypted with the key passphrase: no secret in the file, and it reopens only with that passphrase', async () => {
    const dir = await tmp();
    const issuer = (await LocalIssuer.open(dir, { create: true, passphrase: 'correct horse', allowInsecure: false }))!;
    const file = JSON.parse(await readFile(LocalIssuer.path(dir), 'utf8')) as Record<string, unknown>;
    assert.equal(file['protection'], 'scrypt-aes-256-gcm');
    assert.equal(file['secret'], undefined);
    assert.equal((await stat(LocalIssuer.path(dir))).mode & 0o777, 0o600);

    const reopened = (await LocalIssuer.open(dir, { create: false, passphrase: 'correct horse', allowInsecure: false }))!;
    await reopened.verify(await issue(issuer)); // the same secret: tokens of one verify with the other
    await assert.rejects(
      LocalIssuer.open(dir, { create: false, passphrase: 'wrong', allowInsecure: false }),
      rejectsWith('WRONG_KEY_PASSPHRASE'),
    );
    await assert.rejects(
      LocalIssuer.open(dir, { create: false, passphrase: undefined, allowInsecure: true }),
      rejectsWith('KEY_ENCRYPTED'),
    );
  });

  it('without a passphrase outside development mode, refuses and writes nothing', async () => {
    const dir = await tmp();
    await assert.rejects(
      LocalIssuer.open(dir, { create: true, passphrase: undefined, allowInsecure: false }),
      rejectsWith('KEY_PASSPHRASE_REQUIRED'),
    );
    assert.equal(existsSync(LocalIssuer.path(dir)), false);
  });

  it('a development secret is encrypted in place once a passphrase is set, keeping its tokens valid', async () => {
    const dir = await tmp();
    const dev = (await LocalIssuer.open(dir, { create: true, passphrase: undefined, allowInsecure: true }))!;
    assert.equal(JSON.parse(await readFile(LocalIssuer.path(dir), 'utf8')).protection, 'none');
    const token = await issue(dev);
    const secured = (await LocalIssuer.open(dir, { create: false, passphrase: 'now protected', allowInsecure: false }))!;
    const file = JSON.parse(await readFile(LocalIssuer.path(dir), 'utf8')) as Record<string, unknown>;
    assert.equal(file['protection'], 'scrypt-aes-256-gcm');
    assert.equal(file['secret'], undefined);
    await secured.verify(token);
  });
});
