import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';

/** A secret encrypted at rest: scrypt(passphrase) -> AES-256-GCM, with a purpose bound as associated data. */
export interface SealedSecret {
  readonly kdf: { readonly N: number; readonly r: number; readonly p: number; readonly salt: string };
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

const KDF = { N: 1 << 15, r: 8, p: 1 } as const;
const SCRYPT_MAXMEM = 128 * 1024 * 1024;

export async function sealSecret(passphrase: string, aad: string, secret: Uint8Array): Promise<SealedSecret> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await scrypt(passphrase, salt, { ...KDF });
  try {
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad));
    const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
    return {
      kdf: { ...KDF, salt: salt.toString('base64url') },
      iv: iv.toString('base64url'),
      ciphertext: ciphertext.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
    };
  } finally {
    key.fill(0);
  }
}

/** The secret, or undefined when the passphrase is wrong (or the file was altered: GCM cannot tell them apart). */
export async function openSecret(passphrase: string, aad: string, sealed: SealedSecret): Promise<Uint8Array | undefined> {
  const key = await scrypt(passphrase, Buffer.from(sealed.kdf.salt, 'base64url'), { N: sealed.kdf.N, r: sealed.kdf.r, p: sealed.kdf.p });
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64url')), decipher.final()]));
  } catch {
    return undefined;
  } finally {
    key.fill(0);
  }
}

function scrypt(passphrase: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(passphrase.normalize('NFC'), salt, 32, { ...options, maxmem: SCRYPT_MAXMEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}
