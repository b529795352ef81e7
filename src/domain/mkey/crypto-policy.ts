import { ValidationError } from '../errors.js';

/**
 * The approved-algorithm policy of seed 000 §6.4 as a pure table: AEAD ciphers (AES-GCM,
 * ChaCha20-Poly1305), RSA ≥ 2048 bits, approved elliptic curves, HMAC with SHA-2; weak or
 * obsolete algorithms (DES, 3DES, RC4, MD5, SHA-1...) are prohibited by name.
 */
export const KEY_PURPOSES = ['encryption', 'key-wrapping', 'signing', 'key-agreement', 'mac'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

export interface KeySpec {
  readonly algorithm: string;
  readonly sizeBits: number;
  /** For ECDSA / ECDH: the named curve. */
  readonly curve?: string;
}

interface Rule {
  readonly purposes: readonly KeyPurpose[];
  /** Exact sizes allowed, or a minimum with a step. */
  readonly sizes?: readonly number[];
  readonly minBits?: number;
  readonly stepBits?: number;
  /** Named curves and their size in bits. */
  readonly curves?: { readonly [curve: string]: number };
}

const NIST_CURVES = { 'P-256': 256, 'P-384': 384, 'P-521': 521 } as const;

export const APPROVED_ALGORITHMS: { readonly [algorithm: string]: Rule } = {
  'AES-GCM': { purposes: ['encryption', 'key-wrapping'], sizes: [128, 192, 256] },
  'CHACHA20-POLY1305': { purposes: ['encryption'], sizes: [256] },
  'RSA-OAEP': { purposes: ['encryption', 'key-wrapping'], minBits: 2048, stepBits: 1024 },
  'RSA-PSS': { purposes: ['signing'], minBits: 2048, stepBits: 1024 },
  ECDSA: { purposes: ['signing'], curves: NIST_CURVES },
  ECDH: { purposes: ['key-agreement'], curves: NIST_CURVES },
  ED25519: { purposes: ['signing'], sizes: [256] },
  ED448: { purposes: ['signing'], sizes: [448] },
  X25519: { purposes: ['key-agreement'], sizes: [256] },
  X448: { purposes: ['key-agreement'], sizes: [448] },
  'HMAC-SHA256': { purposes: ['mac'], minBits: 256, stepBits: 8 },
  'HMAC-SHA384': { purposes: ['mac'], minBits: 384, stepBits: 8 },
  'HMAC-SHA512': { purposes: ['mac'], minBits: 512, stepBits: 8 },
};

/** Named as weak or obsolete by seed 000 §6.4 (and their usual spellings). */
export const PROHIBITED_ALGORITHMS = [
  'DES',
  '3DES',
  'TDEA',
  'DESEDE',
  'RC2',
  'RC4',
  'MD5',
  'SHA1',
  'SHA-1',
  'HMAC-MD5',
  'HMAC-SHA1',
  'AES-ECB',
];

const MAX_RSA_BITS = 16_384;

function sizeText(r: Rule): string {
  if (r.curves) return Object.keys(r.curves).join(', ');
  if (r.sizes) return `${r.sizes.join(', ')} bits`;
  return `≥ ${r.minBits} bits${r.stepBits && r.stepBits > 8 ? ` in steps of ${r.stepBits}` : ''}`;
}

/** Throws a ValidationError naming what is approved when `spec` for `purpose` breaks the policy. */
export function assertApprovedKey(spec: KeySpec, purpose: KeyPurpose): void {
  const algorithm = typeof spec.algorithm === 'string' ? spec.algorithm.toUpperCase() : '';
  const approved = Object.keys(APPROVED_ALGORITHMS);
  const rule = APPROVED_ALGORITHMS[algorithm];
  if (!rule || algorithm !== spec.algorithm) {
    const prohibited = PROHIBITED_ALGORITHMS.includes(algorithm);
    throw new ValidationError(
      'ALGORITHM_NOT_APPROVED',
      `${String(spec.algorithm)} is ${prohibited ? 'prohibited (weak or obsolete)' : 'not an approved algorithm'}: use one of ${approved.join(', ')}`,
      [{ path: 'algorithm', message: `one of ${approved.join(', ')} (upper case)` }],
      { approved },
    );
  }
  if (!KEY_PURPOSES.includes(purpose) || !rule.purposes.includes(purpose)) {
    const fits = approved.filter((a) => (APPROVED_ALGORITHMS[a] as Rule).purposes.includes(purpose));
    throw new ValidationError(
      'ALGORITHM_PURPOSE_MISMATCH',
      `${algorithm} is approved for ${rule.purposes.join(', ')}, not ${String(purpose)}: for ${String(purpose)} use ${fits.join(', ') || `a purpose among ${KEY_PURPOSES.join(', ')}`}`,
      [{ path: 'purpose', message: `${rule.purposes.join(' or ')} for ${algorithm}` }],
      { approved: fits },
    );
  }
  if (rule.curves) {
    const bits = spec.curve !== undefined ? rule.curves[spec.curve] : undefined;
    if (bits === undefined || !Object.hasOwn(rule.curves, spec.curve as string)) {
      throw new ValidationError('CURVE_NOT_APPROVED', `${algorithm} needs an approved curve: ${sizeText(rule)}`, [
        { path: 'curve', message: sizeText(rule) },
      ]);
    }
    if (spec.sizeBits !== bits) {
      throw new ValidationError('KEY_SIZE_NOT_APPROVED', `${algorithm} on ${spec.curve} has ${bits}-bit keys, not ${spec.sizeBits}`, [
        { path: 'sizeBits', message: `${bits}` },
      ]);
    }
    return;
  }
  if (spec.curve !== undefined) {
    throw new ValidationError('CURVE_NOT_APPROVED', `${algorithm} takes no curve`, [{ path: 'curve', message: 'omit it' }]);
  }
  const n = spec.sizeBits;
  const ok = rule.sizes
    ? rule.sizes.includes(n)
    : Number.isInteger(n) && n >= (rule.minBits as number) && n % (rule.stepBits ?? 1) === 0 && n <= MAX_RSA_BITS;
  if (!ok) {
    throw new ValidationError('KEY_SIZE_NOT_APPROVED', `${algorithm} keys of ${String(n)} bits are not approved: use ${sizeText(rule)}`, [
      { path: 'sizeBits', message: sizeText(rule) },
    ]);
  }
}
