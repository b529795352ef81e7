// The state one verification of an export accumulates (failure log, key chain, stream chains)
// and the verdicts on one checked line that need it. Shared by the passes of verify.ts.

import { ed25519 as defaultEd25519, type Ed25519 } from '../crypto/ed25519.js';
import { KeyChain, type KeyChainErrorCode } from '../keys/keychain.js';
import { InputError } from '../verify/ledger.js';
import { FailureLog, type LedgerFailureCode, type Rule, type Where } from '../verify/report.js';
import { StreamChains } from '../verify/streams.js';
import type { CheckedLine } from './check.js';

export interface VerificationOptions {
  readonly trustRoot: string;
  readonly origin?: string;
  readonly maxFailures?: number;
  readonly ed25519?: Ed25519;
}

/** A checkpoint that passed every per-line rule (one small record per line of checkpoints.ndjson). */
export interface CheckpointRecord {
  readonly where: Where;
  readonly position: number;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly eventId: string;
  /** Root matched the events at its size: true / false, undefined until checked. */
  matched?: boolean;
}

export function here(file: string, line: number, r: Pick<CheckedLine, 'position' | 'stream' | 'revision' | 'eventId'> | null): Where {
  return {
    file,
    line,
    position: r?.position ?? null,
    stream: r?.stream ?? null,
    revision: r?.revision ?? null,
    eventId: r?.eventId ?? null,
  };
}

export function short(h: string): string {
  return `${h.slice(0, 12)}…`;
}

export class Verification {
  readonly log: FailureLog;
  readonly chain: KeyChain;
  readonly chains: StreamChains;
  readonly impl: Ed25519;
  /** Key-chain failures that the per-event rules report too (kept only if events cannot be checked). */
  readonly deferred: { code: KeyChainErrorCode; where: Where; message: string }[] = [];
  /** ledger-keys events found by searching the raw lines for the stream's name (the key chain's input). */
  keyEventsPass1 = 0;
  /** ledger-keys events among all the parsed lines. */
  keyEventsPass3 = 0;
  /**
   * Events whose signer is valid but whose signature was not checked, the worker not having had
   * the key: never with the final chain (three passes); the one pass then hands over.
   */
  unverifiedSignatures = 0;

  constructor(readonly options: VerificationOptions) {
    this.impl = options.ed25519 ?? defaultEd25519;
    this.log = new FailureLog(options.maxFailures ?? 1000);
    this.chain = new KeyChain({
      trustRoot: options.trustRoot,
      ...(options.origin !== undefined ? { origin: options.origin } : {}),
      ed25519: this.impl,
    });
    this.chains = new StreamChains(this.log);
  }

  fail(code: LedgerFailureCode, rule: Rule, where: Where, message: string): void {
    this.log.add(code, rule, where, message);
  }

  /** Signer validity and the hash/signature verdict of one well-formed event. */
  judge(r: CheckedLine, where: Where, position: number): void {
    const e = r.event;
    if (!e) return;
    const signer = this.chain.checkSigner({ sig: { kid: e.kid, alg: 'Ed25519', val: '' }, occurredAt: e.occurredAt }, position);
    if (!signer.ok) this.fail(signer.code, 'signer', where, signer.message);
    else if (r.sigOverStated === null) this.unverifiedSignatures++;
    if (!r.hashOk) {
      if (r.sigOverStated === true) {
        this.fail(
          'PAYLOAD_CHANGED',
          'envelope',
          where,
          `the content was changed after signing: the signature verifies over the recorded hash ${short(e.hash)}, the content no longer hashes to it`,
        );
      } else if (r.sigOverRecomputed === true) {
        this.fail(
          'HASH_CHANGED',
          'envelope',
          where,
          `the recorded hash ${short(e.hash)} was changed: the signature verifies over the content's real hash, not over it`,
        );
      } else {
        this.fail(
          'HASH_MISMATCH',
          'envelope',
          where,
          `the content does not hash to the recorded hash ${short(e.hash)}, and the signature verifies over neither`,
        );
      }
    } else if (signer.ok && r.sigOverStated === false) {
      this.fail('BAD_SIGNATURE', 'envelope', where, `signature by key ${e.kid} does not verify over hash ${short(e.hash)}`);
    }
  }

  /** The line-level failures found by the worker. */
  record(r: CheckedLine, where: Where, file: string): void {
    if (r.notJson !== undefined) throw new InputError('MALFORMED_JSON', `${file} line ${where.line ?? '?'}: ${r.notJson}`, where.line);
    for (const [code, message] of r.failures) {
      const rule: Rule =
        code.startsWith('CHECKPOINT') || code === 'MALFORMED_CHECKPOINT'
          ? 'checkpoint'
          : code === 'MALFORMED_EXPORT_LINE'
            ? 'log'
            : 'envelope';
      this.fail(code, rule, where, message);
    }
  }
}
