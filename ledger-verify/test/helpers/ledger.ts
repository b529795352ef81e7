// Builds small, valid ledgers for tests: keys from RFC 8032 seeds, deterministic ids and times.
import {
  ed25519,
  genesisData,
  KEY_EVENT_TYPES,
  KEY_STREAM,
  kidOf,
  revocationData,
  rotationData,
  signEvent,
  type EventEnvelope,
  type UnsealedEnvelope,
} from '../../src/index.js';
import { hex } from './vectors.js';

export interface TestKey {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly kid: string;
}

export function keyFromSeed(seedHex: string): TestKey {
  const secretKey = hex(seedHex);
  const publicKey = ed25519.getPublicKey(secretKey);
  return { secretKey, publicKey, kid: kidOf(publicKey) };
}

/** RFC 8032 section 7.1 TEST 1, 2, 3 and SHA(abc) seeds: well-known, test-only keys. */
export const KEY1 = keyFromSeed('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
export const KEY2 = keyFromSeed('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');
export const KEY3 = keyFromSeed('c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7');
export const KEY4 = keyFromSeed('833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42');

export const ORIGIN = 'ledger.example.org/quality';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** A deterministic lowercase UUIDv7 for the n-th event. */
export function uuid7(n: number, ms: number): string {
  const t = ms.toString(16).padStart(12, '0');
  const c = n.toString(16).padStart(15, '0');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${c.slice(0, 3)}-8${c.slice(3, 6)}-${c.slice(6, 15).padStart(12, '0')}`;
}

export interface AppendOptions {
  readonly signer?: TestKey;
  readonly occurredAt?: string;
  readonly origin?: string;
}

export class LedgerBuilder {
  readonly events: EventEnvelope[] = [];
  private readonly heads = new Map<string, { revision: number; hash: string }>();
  active: TestKey;

  constructor(
    genesisKey: TestKey = KEY1,
    readonly origin: string = ORIGIN,
  ) {
    this.active = genesisKey;
    this.append(KEY_STREAM, KEY_EVENT_TYPES.genesis, genesisData(genesisKey.publicKey));
  }

  /** Time of the next event: one second per event. */
  nextTime(): string {
    return new Date(T0 + this.events.length * 1000).toISOString();
  }

  unsealed(stream: string, type: string, data: object, options: AppendOptions = {}): UnsealedEnvelope {
    const head = this.heads.get(stream);
    const n = this.events.length;
    const occurredAt = options.occurredAt ?? this.nextTime();
    return {
      id: uuid7(n, T0 + n * 1000),
      origin: options.origin ?? this.origin,
      stream,
      revision: head ? head.revision + 1 : 0,
      type,
      schema: 1,
      occurredAt,
      actor: { id: 'svc-test', kind: 'service' },
      meta: { correlationId: `corr-${n}`, causationId: `cause-${n}`, commandId: `cmd-${n}` },
      data,
      prev: head ? head.hash : null,
    };
  }

  append(stream: string, type: string, data: object, options: AppendOptions = {}): EventEnvelope {
    const e = signEvent(this.unsealed(stream, type, data, options), options.signer ?? this.active);
    this.events.push(e);
    this.heads.set(stream, { revision: e.revision, hash: e.hash });
    return e;
  }

  rotate(next: TestKey): EventEnvelope {
    const data = rotationData({ origin: this.origin, previousKid: this.active.kid, newKey: next });
    const e = this.append(KEY_STREAM, KEY_EVENT_TYPES.rotated, data);
    this.active = next;
    return e;
  }

  revoke(kid: string, reason: string, compromisedSince: string | null = null): EventEnvelope {
    return this.append(KEY_STREAM, KEY_EVENT_TYPES.revoked, revocationData({ kid, reason, compromisedSince }));
  }

  lines(): string[] {
    return this.events.map((e) => JSON.stringify(e));
  }

  ndjson(): string {
    return this.lines().join('\n') + '\n';
  }
}
