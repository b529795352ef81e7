import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/config.js';

/** Asymmetric algorithms only: a shared-secret (HS*) or `none` token from an issuer is refused. */
export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type OidcAlgorithm = (typeof OIDC_ALGORITHMS)[number];

export interface OidcIssuerConfig {
  /** Exact `iss` value. */
  readonly issuer: string;
  /** Where the issuer publishes its keys (JWKS). https, or http on a loopback address. */
  readonly jwksUri: string;
  /** The `aud` every token must carry. */
  readonly audience: string;
  /** Pinned algorithms; anything else is refused. */
  readonly algorithms: readonly OidcAlgorithm[];
  /** Claim holding the qledger roles (a string array). Default `qledger_roles`. */
  readonly rolesClaim: string;
  /** Claim holding the projects (`"*"` or a string array). Default `qledger_projects`; absent means no project. */
  readonly projectsClaim: string;
}

export interface AuthConfig {
  readonly issuers: readonly OidcIssuerConfig[];
  /** Accept tokens of the local issuer (`qledger token`): on the embedded default only. */
  readonly localIssuer: boolean;
}

type Source = Readonly<Record<string, string | undefined>>;

const VAR = 'QLEDGER_OIDC_ISSUERS';
const EXAMPLE = `a JSON array like [{"issuer":"https://id.example.com/","jwksUri":"https://id.example.com/jwks","audience":"qledger","algorithms":["RS256"]}]`;

/**
 * Reads the OIDC issuers from QLEDGER_OIDC_ISSUERS (JSON text) or QLEDGER_OIDC_ISSUERS_FILE
 * (a file holding it). The first wrong value throws a ConfigError naming the variable.
 */
export function loadAuthConfig(env: Source = process.env, options: { readonly localIssuer: boolean } = { localIssuer: false }): AuthConfig {
  const file = env[`${VAR}_FILE`];
  let text = env[VAR];
  if (text !== undefined && text !== '' && file !== undefined && file !== '') {
    throw new ConfigError(`${VAR}_FILE`, `unset when ${VAR} is set (give one of the two)`, file);
  }
  let name = VAR;
  if (file !== undefined && file !== '') {
    name = `${VAR}_FILE`;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new ConfigError(name, `the path of a readable file holding ${EXAMPLE}`, file);
    }
  }
  if (text === undefined || text.trim() === '') return { issuers: [], localIssuer: options.localIssuer };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError(name, EXAMPLE, undefined);
  }
  if (!Array.isArray(raw)) throw new ConfigError(name, EXAMPLE, undefined);
  const issuers = raw.map((entry, i) => issuerFrom(entry, `${name}[${i}]`));
  const seen = new Set<string>();
  for (const [i, c] of issuers.entries()) {
    if (seen.has(c.issuer)) throw new ConfigError(`${name}[${i}].issuer`, 'unique: each issuer once', c.issuer);
    seen.add(c.issuer);
  }
  return { issuers, localIssuer: options.localIssuer };
}

function issuerFrom(entry: unknown, at: string): OidcIssuerConfig {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ConfigError(at, EXAMPLE, undefined);
  const o = entry as Record<string, unknown>;
  const allowed = ['issuer', 'jwksUri', 'audience', 'algorithms', 'rolesClaim', 'projectsClaim'];
  for (const k of Object.keys(o))
    if (!allowed.includes(k)) throw new ConfigError(`${at}.${k}`, `absent: known members are ${allowed.join(', ')}`, undefined);
  const issuer = str(o, 'issuer', at);
  if (issuer === LOCAL_ISSUER) throw new ConfigError(`${at}.issuer`, `other than "${LOCAL_ISSUER}" (reserved for qledger token)`, issuer);
  const jwksUri = str(o, 'jwksUri', at);
  if (!isSafeUrl(jwksUri)) throw new ConfigError(`${at}.jwksUri`, 'an https URL (http only on a loopback address)', jwksUri);
  const audience = str(o, 'audience', at);
  const algs = o['algorithms'];
  if (
    !Array.isArray(algs) ||
    algs.length === 0 ||
    !algs.every((a) => typeof a === 'string' && (OIDC_ALGORITHMS as readonly string[]).includes(a))
  ) {
    throw new ConfigError(`${at}.algorithms`, `a non-empty array of ${OIDC_ALGORITHMS.join(', ')}`, JSON.stringify(algs));
  }
  return {
    issuer,
    jwksUri,
    audience,
    algorithms: algs as OidcAlgorithm[],
    rolesClaim: o['rolesClaim'] === undefined ? 'qledger_roles' : str(o, 'rolesClaim', at),
    projectsClaim: o['projectsClaim'] === undefined ? 'qledger_projects' : str(o, 'projectsClaim', at),
  };
}

function str(o: Record<string, unknown>, key: string, at: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '' || v.length > 2000)
    throw new ConfigError(`${at}.${key}`, 'a non-empty string', v === undefined ? undefined : JSON.stringify(v));
  return v;
}

function isSafeUrl(text: string): boolean {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return false;
  }
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]');
}

/** The `iss` of tokens made by `qledger token`. */
export const LOCAL_ISSUER = 'qledger-local';
