import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { LOCAL_ISSUER } from './auth-config.js';
import type { ProjectScope, Role } from './principal.js';

/** Longest lifetime of a local token: they are for a person at the console, not for services. */
export const MAX_LOCAL_TTL_SECONDS = 24 * 3600;

interface IssuerFile {
  readonly format: 'qledger-local-issuer/v1';
  readonly alg: 'HS256';
  readonly secret: string;
}

/**
 * The local token issuer of the embedded default (decision 0035): an HMAC-SHA256 secret in
 * `<dataDir>/auth/local-issuer.json` (mode 0600, directory 0700), created on first use. It
 * signs short-lived tokens (`qledger token`) that only this data directory's service accepts.
 */
export class LocalIssuer {
  private constructor(private readonly secret: Uint8Array) {}

  static path(dataDir: string): string {
    return join(dataDir, 'auth', 'local-issuer.json');
  }

  /** Loads the issuer secret, creating it when `create` is set and none exists; undefined otherwise. */
  static async open(dataDir: string, options: { readonly create: boolean }): Promise<LocalIssuer | undefined> {
    const path = LocalIssuer.path(dataDir);
    try {
      const file = JSON.parse(await readFile(path, 'utf8')) as IssuerFile;
      const secret = Buffer.from(file.secret, 'base64url');
      if (file.format !== 'qledger-local-issuer/v1' || secret.length !== 32) throw new Error('bad issuer file');
      return new LocalIssuer(new Uint8Array(secret));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`the local issuer file ${path} is unreadable: delete it and run qledger token again`, {
          cause: e,
        });
      if (!options.create) return undefined;
    }
    await mkdir(join(dataDir, 'auth'), { recursive: true, mode: 0o700 });
    const secret = randomBytes(32);
    const file: IssuerFile = { format: 'qledger-local-issuer/v1', alg: 'HS256', secret: secret.toString('base64url') };
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(file), { mode: 0o600, flag: 'wx' });
    await rename(tmp, path);
    // Another process may have won the race: read back whatever is there now.
    return LocalIssuer.open(dataDir, { create: false });
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
