import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kidOf } from 'ledger-verify';
import { IllegalState, NotFound, Unavailable } from '../../domain/errors.js';
import type { SignPool } from './sign-pool.js';
import { openSecret, sealSecret, type SealedSecret } from './secret-box.js';
import { LocalSigner, type Signer } from './signer.js';

/** Creates and loads signing keys. The local keystore is the default; a KMS adapter would implement this too. */
export interface KeyProvider {
  create(): Promise<Signer>;
  load(kid: string): Promise<Signer>;
  /** True when keys are stored without encryption (development mode). */
  readonly insecure: boolean;
}

interface KeyFileBase {
  readonly format: 'qledger-key/v1';
  readonly kid: string;
  readonly publicKey: string;
}
interface EncryptedKeyFile extends KeyFileBase, SealedSecret {
  readonly protection: 'scrypt-aes-256-gcm';
}
interface PlainKeyFile extends KeyFileBase {
  readonly protection: 'none';
  readonly secretKey: string;
}
type KeyFile = EncryptedKeyFile | PlainKeyFile;

export interface LocalKeystoreOptions {
  readonly dir: string;
  /** Encrypts keys at rest. Required unless `allowInsecure`. */
  readonly passphrase: string | undefined;
  /** Development mode: without a passphrase, keys are stored unencrypted. */
  readonly allowInsecure: boolean;
  /** Sign on these threads rather than on the caller's (see SignPool). */
  readonly signPool?: SignPool;
}

/**
 * Ed25519 keys in `<dataDir>/keys/<kid>.json` (mode 0600), encrypted with AES-256-GCM under
 * a key derived by scrypt from the passphrase; the kid is bound as associated data.
 * A key stored unencrypted in development mode is encrypted in place once a passphrase is set.
 */
export class LocalKeystore implements KeyProvider {
  readonly insecure: boolean;

  constructor(private readonly options: LocalKeystoreOptions) {
    this.insecure = options.passphrase === undefined && options.allowInsecure;
  }

  /** Throws NO_KEY_PASSPHRASE when keys can be neither encrypted nor, by request, kept plain. */
  assertUsable(): void {
    if (this.options.passphrase === undefined && !this.options.allowInsecure) {
      throw new Unavailable(
        'NO_KEY_PASSPHRASE',
        'signing keys are encrypted at rest: set QLEDGER_KEY_PASSPHRASE or QLEDGER_KEY_PASSPHRASE_FILE (or pass --dev-insecure-keys for local development only)',
      );
    }
  }

  async create(): Promise<Signer> {
    this.assertUsable();
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pub = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'));
    const secret = new Uint8Array(Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url'));
    const kid = kidOf(pub);
    await this.write(await this.protect(kid, pub, secret));
    const signer = new LocalSigner(kid, pub, secret, this.options.signPool);
    secret.fill(0);
    return signer;
  }

  async load(kid: string): Promise<Signer> {
    if (!/^[0-9a-f]{32}$/.test(kid)) throw new NotFound('UNKNOWN_KEY', `"${kid}" is not a key id`);
    this.assertUsable();
    let file: KeyFile;
    try {
      file = JSON.parse(await readFile(this.path(kid), 'utf8')) as KeyFile;
    } catch {
      throw new NotFound(
        'KEY_FILE_MISSING',
        `the private key of ${kid} is not in ${this.options.dir}: restore it from backup, or rotate to a new key`,
      );
    }
    const pub = new Uint8Array(Buffer.from(file.publicKey, 'base64url'));
    if (file.kid !== kid || kidOf(pub) !== kid) {
      throw new IllegalState('KEY_FILE_CORRUPT', `the key file of ${kid} does not hold that key: restore it from backup`);
    }
    const secret = await this.unprotect(file);
    try {
      const signer = new LocalSigner(kid, pub, secret, this.options.signPool);
      if (file.protection === 'none' && this.options.passphrase !== undefined) {
        await this.write(await this.protect(kid, pub, secret));
      }
      return signer;
    } finally {
      secret.fill(0);
    }
  }

  /** How a key is stored on disk right now. */
  async protectionOf(kid: string): Promise<'encrypted' | 'unencrypted' | 'missing'> {
    try {
      const file = JSON.parse(await readFile(this.path(kid), 'utf8')) as KeyFile;
      return file.protection === 'none' ? 'unencrypted' : 'encrypted';
    } catch {
      return 'missing';
    }
  }

  async list(): Promise<string[]> {
    try {
      return (await readdir(this.options.dir)).filter((f) => /^[0-9a-f]{32}\.json$/.test(f)).map((f) => f.slice(0, 32));
    } catch {
      return [];
    }
  }

  private path(kid: string): string {
    return join(this.options.dir, `${kid}.json`);
  }

  private async write(file: KeyFile): Promise<void> {
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.path(file.kid)}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(file, null, 2), { mode: 0o600 });
    await rename(tmp, this.path(file.kid));
  }

  private async protect(kid: string, pub: Uint8Array, secret: Uint8Array): Promise<KeyFile> {
    const base = { format: 'qledger-key/v1', kid, publicKey: Buffer.from(pub).toString('base64url') } as const;
    const passphrase = this.options.passphrase;
    if (passphrase === undefined) return { ...base, protection: 'none', secretKey: Buffer.from(secret).toString('base64url') };
    return { ...base, protection: 'scrypt-aes-256-gcm', ...(await sealSecret(passphrase, `qledger-key/v1:${kid}`, secret)) };
  }

  private async unprotect(file: KeyFile): Promise<Uint8Array> {
    if (file.protection === 'none') return new Uint8Array(Buffer.from(file.secretKey, 'base64url'));
    const passphrase = this.options.passphrase;
    if (passphrase === undefined) {
      throw new Unavailable(
        'KEY_ENCRYPTED',
        `the signing key ${file.kid} is encrypted: set QLEDGER_KEY_PASSPHRASE or QLEDGER_KEY_PASSPHRASE_FILE`,
      );
    }
    const secret = await openSecret(passphrase, `qledger-key/v1:${file.kid}`, file);
    if (secret === undefined) {
      throw new Unavailable(
        'WRONG_KEY_PASSPHRASE',
        `cannot decrypt the signing key ${file.kid}: the key passphrase is wrong (check QLEDGER_KEY_PASSPHRASE)`,
      );
    }
    return secret;
  }
}
