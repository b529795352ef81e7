import type { Ed25519 } from '../crypto/ed25519.js';
import { isPlainObject } from '../envelope/fields.js';
import { hashEvent } from '../envelope/hash.js';
import { parseEnvelope } from '../envelope/parse.js';
import { verifyEventSignature } from '../envelope/sign.js';
import type { EventEnvelope } from '../envelope/types.js';
import { FormatError } from '../errors.js';
import type { KeyChain } from '../keys/keychain.js';
import type { FailureLog, Where } from './report.js';

export interface EventContext {
  readonly origin: string;
  readonly keys: KeyChain;
  readonly ed25519: Ed25519;
  readonly log: FailureLog;
}

/** Best-effort identity of an event that may be malformed, for failure reports. */
export function whereOf(raw: unknown, line: number, position: number): Where {
  const r = isPlainObject(raw) ? raw : {};
  const str = (v: unknown): string | null => (typeof v === 'string' ? v.slice(0, 256) : null);
  const revision = r['revision'];
  return {
    line,
    position,
    stream: str(r['stream']),
    revision: typeof revision === 'number' && Number.isSafeInteger(revision) ? revision : null,
    eventId: str(r['id']),
  };
}

/**
 * The rules of one envelope at global position `position`: shape, origin, hash, signer
 * validity under the key chain, and signature. Returns the parsed envelope unless it is
 * malformed (then nothing else can be checked).
 */
export function checkEvent(raw: unknown, where: Where, position: number, ctx: EventContext): EventEnvelope | undefined {
  let e: EventEnvelope;
  try {
    e = parseEnvelope(raw);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    ctx.log.add('MALFORMED_ENVELOPE', 'envelope', where, `${err.message}${err.path ? ` (at ${err.path})` : ''}`);
    return undefined;
  }
  if (e.origin !== ctx.origin) {
    ctx.log.add('ORIGIN_MISMATCH', 'envelope', where, `origin "${e.origin}" is not the ledger's origin "${ctx.origin}"`);
  }
  const recomputed = hashEvent(e);
  if (recomputed !== e.hash) {
    ctx.log.add('HASH_MISMATCH', 'envelope', where, `content hashes to ${recomputed}, stated hash is ${e.hash}`);
  }
  const signer = ctx.keys.checkSigner(e, position);
  if (!signer.ok) {
    ctx.log.add(signer.code, 'signer', where, signer.message);
  } else if (!verifyEventSignature(e, signer.publicKey, ctx.ed25519)) {
    ctx.log.add('BAD_SIGNATURE', 'envelope', where, `signature by key ${e.sig.kid} does not verify over hash ${e.hash}`);
  }
  return e;
}
