import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { ApiKeyStore } from './api-keys.js';
import { LOCAL_ISSUER, type AuthConfig, type OidcIssuerConfig } from './auth-config.js';
import { INVALID_CREDENTIALS, MISSING_CREDENTIALS } from './auth-errors.js';
import type { LocalIssuer } from './local-issuer.js';
import { VerifiedTokenCache } from './verified-tokens.js';
import { isProjectId, isRole, userActorId, type Principal, type ProjectScope, type Role } from './principal.js';

/**
 * Turns a bearer credential into a principal: an API key (`qlk_...`), a token of the local
 * issuer, or a JWT of a configured OIDC issuer (signature against the issuer's JWKS, issuer,
 * audience, algorithm and lifetime checked). Anything else is a 401.
 */
export class Authenticator {
  private readonly jwks = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  constructor(
    private readonly config: AuthConfig,
    private readonly apiKeys: ApiKeyStore,
    private readonly local: LocalIssuer | undefined,
    /** JWTs that already verified (API keys never go through it: they are revocable at any time). */
    private readonly verified = new VerifiedTokenCache(),
  ) {}

  /** From an `Authorization` header value (or a WebSocket connection's token). */
  async fromHeader(header: unknown): Promise<Principal> {
    if (typeof header !== 'string' || header.trim() === '') throw MISSING_CREDENTIALS();
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
    if (!m) throw MISSING_CREDENTIALS();
    return this.fromToken(m[1] as string);
  }

  async fromToken(token: string): Promise<Principal> {
    if (ApiKeyStore.looksLikeKey(token)) {
      const p = await this.apiKeys.authenticate(token);
      if (!p) throw INVALID_CREDENTIALS();
      return p;
    }
    const key = VerifiedTokenCache.keyOf(token);
    const cached = this.verified.get(key);
    if (cached) return cached;
    const { principal, exp } = await this.verifyJwt(token);
    this.verified.set(key, principal, exp);
    return principal;
  }

  private async verifyJwt(token: string): Promise<{ principal: Principal; exp: number | undefined }> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw INVALID_CREDENTIALS();
    }
    if (unverified.iss === LOCAL_ISSUER) {
      if (!this.local || !this.config.localIssuer) throw INVALID_CREDENTIALS();
      const payload = await this.local.verify(token).catch(() => {
        throw INVALID_CREDENTIALS();
      });
      return { principal: principalOf(LOCAL_ISSUER, payload, 'qledger_roles', 'qledger_projects', 'local'), exp: payload.exp };
    }
    const issuer = this.config.issuers.find((i) => i.issuer === unverified.iss);
    if (!issuer) throw INVALID_CREDENTIALS();
    const payload = await this.verifyOidc(issuer, token);
    return { principal: principalOf(issuer.issuer, payload, issuer.rolesClaim, issuer.projectsClaim, 'oidc'), exp: payload.exp };
  }

  private async verifyOidc(issuer: OidcIssuerConfig, token: string): Promise<JWTPayload> {
    let jwks = this.jwks.get(issuer.issuer);
    if (!jwks) {
      jwks = createRemoteJWKSet(new URL(issuer.jwksUri), { timeoutDuration: 5000, cooldownDuration: 30_000 });
      this.jwks.set(issuer.issuer, jwks);
    }
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: issuer.issuer,
        audience: issuer.audience,
        algorithms: [...issuer.algorithms],
        requiredClaims: ['sub', 'exp'],
        clockTolerance: 30,
      });
      return payload;
    } catch {
      throw INVALID_CREDENTIALS();
    }
  }
}

function principalOf(
  issuer: string,
  payload: JWTPayload,
  rolesClaim: string,
  projectsClaim: string,
  method: Principal['method'],
): Principal {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw INVALID_CREDENTIALS();
  const rawRoles = payload[rolesClaim];
  const roles: Role[] = Array.isArray(rawRoles) ? [...new Set(rawRoles.filter(isRole))] : isRole(rawRoles) ? [rawRoles] : [];
  const rawProjects = payload[projectsClaim];
  const projects: ProjectScope =
    rawProjects === '*' ? '*' : Array.isArray(rawProjects) ? [...new Set(rawProjects.filter(isProjectId))] : [];
  return { actorId: userActorId(issuer, payload.sub), actorKind: 'user', roles, projects, method };
}
