import { createHash } from 'node:crypto';
import type { Principal } from './principal.js';

/**
 * A bounded cache of JWTs that already verified (decision 0065): the principal a token maps to,
 * kept until the token's own expiry or `maxAgeMs`, whichever comes first. Verifying a JWT (an HMAC
 * or a signature, in WebCrypto) cost about a tenth of the service's CPU per GraphQL request.
 *
 * - Keys are SHA-256 digests of the token, so the cache holds no bearer credential.
 * - Only successful verifications are cached: a bad token is checked again every time, so an
 *   attacker cannot fill the cache with garbage, and a token that is not yet valid is not cached.
 * - A JWT cannot be revoked before its expiry anyway; `maxAgeMs` bounds how long a token stays
 *   accepted after its issuer's signing key was withdrawn from the JWKS. API keys (revocable at
 *   any time) never go through this cache.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { readonly principal: Principal; readonly until: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  get(key: string): Principal | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    if (this.now() >= hit.until) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.principal;
  }

  /** `expiresAtSeconds`: the token's `exp` claim (required by every issuer we accept). */
  set(key: string, principal: Principal, expiresAtSeconds: number | undefined): void {
    if (this.maxEntries <= 0 || typeof expiresAtSeconds !== 'number') return;
    const now = this.now();
    const until = Math.min(expiresAtSeconds * 1000, now + this.maxAgeMs);
    if (until <= now) return;
    if (this.entries.size >= this.maxEntries) {
      // The oldest entry goes (a Map keeps insertion order); expired ones also go when read.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { principal: freeze(principal), until });
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A cached principal is shared by every request bearing the token: nobody may change it. */
function freeze(p: Principal): Principal {
  Object.freeze(p.roles);
  if (Array.isArray(p.projects)) Object.freeze(p.projects);
  return Object.freeze(p);
}
