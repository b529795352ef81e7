import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { Unavailable } from '../domain/errors.js';
import { openSecret, sealSecret, type SealedSecret } from '../ledger/keys/secret-box.js';
import { LOCAL_ISSUER } from './auth-config.js';
import type { ProjectScope, Role } from './principal.js';

/** Longest lifetime of a local token: they are for a person at the console, not for services. */
export const MAX_LOCAL_TTL_SECONDS = 24 * 3600;

type IssuerFile =
  | { readonly format: 'qledger-local-issuer/v1'; readonly alg: 'HS256'; readonly protection: 'none'; readonly secret: string }
  | ({ readonly format: 'qledger-local-issuer/v1'; readonly alg: 'HS256'; readonly protection: 'scrypt-aes-256-gcm' } & SealedSecret);

/** How the issuer secret is kept at rest: like the signing keys (decision 0004). */
export interface IssuerProtection {
  /** Encrypts the secret at rest; required unless `allowInsecure`. */
  readonly passphrase: string | undefined;
  /** Development mode: keep the secret unencrypted (0600) when no passphrase is set. */
  readonly allowInsecure: boolean;
}

const AAD = 'qledger-local-issuer/v1';

/**
 * The local token issuer of the embedded default (decision 0035): an HMAC-SHA256 secret in
 * `<dataDir>/auth/local-issuer.json` (mode 0600, directory 0700), created on first use and
 * encrypted with the key passphrase like the signing keys (unencrypted only in development
 * mode). It signs short-lived tokens (`qledger token`) that only this data directory's service
 * accepts.
 */
export class LocalIssuer {
  private constructor(private readonly secret: Uint8Array) {}

  static path(dataDir: string): string {
    return join(dataDir, 'auth', 'local-issuer.json');
  }

  /** Loads the issuer secret, creating it when `create` is set and none exists; undefined otherwise. */
  static async open(dataDir: string, options: { readonly create: boolean } & IssuerProtection): Promise<LocalIssuer | undefined> {
    const path = LocalIssuer.path(dataDir);
    let file: IssuerFile | undefined;
    try {
      file = JSON.parse(await readFile(path, 'utf8')) as IssuerFile;
      if (file.format !== 'qledger-local-issuer/v1') throw new Error('bad issuer file');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Unavailable(
          'LOCAL_ISSUER_UNREADABLE',
          `the local issuer file ${path} is unreadable: delete it (local tokens end) and run qledger token again`,
        );
      }
    }
    if (file !== undefined) {
      const secret = await LocalIssuer.secretOf(file, path, options);
      // A development secret is encrypted in place as soon as a passphrase is set.
      if (file.protection === 'none' && options.passphrase !== undefined) await LocalIssuer.write(path, secret, options);
      return new LocalIssuer(secret);
    }
    if (!options.create) return undefined;
    await mkdir(join(dataDir, 'auth'), { recursive: true, mode: 0o700 });
    await LocalIssuer.write(path, randomBytes(32), options, 'wx');
    // Another process may have won the race: read back whatever is there now.
    return LocalIssuer.open(dataDir, { ...options, create: false });
  }

  private static async secretOf(file: IssuerFile, path: string, options: IssuerProtection): Promise<Uint8Array> {
    if (file.protection === 'none') {
      if (options.passphrase === undefined && !options.allowInsecure) {
        throw new Unavailable(
          'KEY_PASSPHRASE_REQUIRED',
          `the local issuer secret ${path} is unencrypted (development key mode): pass --dev-insecure-keys as npm start does, or set QLEDGER_KEY_PASSPHRASE to encrypt it`,
        );
      }
      const secret = Buffer.from(file.secret, 'base64url');
      if (secret.length !== 32)
        throw new Unavailable('LOCAL_ISSUER_UNREADABLE', `the local issuer file ${path} is damaged: delete it and run qledger token again`);
      return new Uint8Array(secret);
    }
    if (options.passphrase === undefined) {
      throw new Unavailable(
        'KEY_ENCRYPTED',
        `the local issuer secret is encrypted: set QLEDGER_KEY_PASSPHRASE or QLEDGER_KEY_PASSPHRASE_FILE`,
      );
    }
    const secret = await openSecret(options.passphrase, AAD, file);
    if (secret === undefined || secret.length !== 32) {
      throw new Unavailable(
        'WRONG_KEY_PASSPHRASE',
        `cannot decrypt the local issuer secret: the key passphrase is wrong (check QLEDGER_KEY_PASSPHRASE)`,
      );
    }
    return secret;
  }

  private static async write(path: string, secret: Uint8Array, options: IssuerProtection, flag: 'w' | 'wx' = 'w'): Promise<void> {
    let file: IssuerFile;
    if (options.passphrase !== undefined) {
      file = {
        format: 'qledger-local-issuer/v1',
        alg: 'HS256',
        protection: 'scrypt-aes-256-gcm',
        ...(await sealSecret(options.passphrase, AAD, secret)),
      };
    } else if (options.allowInsecure) {
      file = { format: 'qledger-local-issuer/v1', alg: 'HS256', protection: 'none', secret: Buffer.from(secret).toString('base64url') };
    } else {
      throw new Unavailable(
        'KEY_PASSPHRASE_REQUIRED',
        'set QLEDGER_KEY_PASSPHRASE (or QLEDGER_KEY_PASSPHRASE_FILE) to protect the local issuer secret, or pass --dev-insecure-keys for development',
      );
    }
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(file), { mode: 0o600, flag: 'wx' });
    if (flag === 'wx') {
      // Keep a racing winner's file: link fails when the target exists.
      try {
        await link(tmp, path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        await rm(tmp, { force: true });
      }
    } else {
      await rename(tmp, path);
    }
  }

  async issue(claims: {
    readonly subject: string;
    readonly role: Role;
    readonly projects: ProjectScope;
    readonly ttlSeconds: number;
    readonly now?: Date;
  }): Promise<string> {
    const now = Math.floor((claims.now ?? new Date()).getTime() / 1000);
    return new SignJWT({ qledger_roles: [claims.role], qledger_projects: claims.projects === '*' ? '*' : [...claims.projects] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_ISSUER)
      .setSubject(claims.subject)
      .setIssuedAt(now)
      .setExpirationTime(now + claims.ttlSeconds)
      .sign(this.secret);
  }

  /** Verifies signature, issuer, audience and lifetime; throws on any failure. */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.secret, {
      issuer: LOCAL_ISSUER,
      audience: LOCAL_ISSUER,
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    if (typeof payload.exp === 'number' && typeof payload.iat === 'number' && payload.exp - payload.iat > MAX_LOCAL_TTL_SECONDS) {
      throw new Error('local token lives too long');
    }
    return payload;
  }
}
