import { popStatement, type EventEnvelope } from 'ledger-verify';
import type { CommandMetadata } from '../../domain/decider.js';
import { IllegalState } from '../../domain/errors.js';
import { keyRing, KEYRING_STREAM, type KeyRingEvent, type KeyRingState } from '../../domain/keyring/keyring.js';
import type { EventStore, StreamPrecondition } from '../../eventstore/port.js';
import { LedgerWriter, type SigningContext } from '../ledger-writer.js';
import type { KeyProvider } from './keystore.js';
import type { Signer } from './signer.js';

export interface KeyInfo {
  readonly kid: string;
  readonly status: 'active' | 'retired' | 'revoked';
  readonly publicKey: string;
  readonly since: string;
}

/**
 * The ledger's signing keys: the `ledger-keys` stream folded into a key ring, and the
 * active key's signer. It is the writer's signing context: every append is fenced by the
 * key ring's revision, so no event signed by a retired key can commit after a rotation.
 */
export class KeyRingService implements SigningContext {
  private state: KeyRingState = keyRing.initialState;
  private revision = -1;
  private signer: Signer | undefined;
  private readonly loading = new Map<string, Promise<Signer>>();
  private originValue: string | undefined;
  private readonly since = new Map<string, string>();
  private readonly writer: LedgerWriter;

  constructor(
    private readonly store: EventStore,
    private readonly keys: KeyProvider,
  ) {
    this.writer = new LedgerWriter(store, this, { cacheSize: 1 });
  }

  get origin(): string {
    if (this.originValue === undefined) throw new IllegalState('NO_GENESIS', 'the ledger has no genesis key yet: run qledger init');
    return this.originValue;
  }

  get trustRoot(): string | undefined {
    return this.state.trustRoot;
  }

  get activeKid(): string | undefined {
    return this.state.activeKid;
  }

  /** Loads the key ring from the store and the active key from the key provider. */
  async refresh(): Promise<void> {
    const recorded = await this.store.readStream(KEYRING_STREAM);
    let state = keyRing.initialState;
    for (const r of recorded) {
      const e = JSON.parse(r.data) as EventEnvelope;
      if (r.revision === 0) this.originValue = e.origin;
      state = keyRing.evolve(state, { type: e.type, data: e.data } as KeyRingEvent);
      if (e.type !== 'SigningKeyRevoked') this.since.set((e.data as { kid: string }).kid, e.occurredAt);
    }
    this.state = state;
    this.revision = recorded.at(-1)?.revision ?? -1;
    this.writer.invalidate();
  }

  /** The active key's signer (loaded from the key provider on first use) and the fence. */
  async current(): Promise<{ signer: Signer; preconditions: readonly StreamPrecondition[] }> {
    if (this.revision === -1) await this.refresh();
    const kid = this.state.activeKid;
    if (!kid) throw new IllegalState('NO_GENESIS', 'the ledger has no signing key yet: run qledger init');
    const signer = this.signer?.kid === kid ? this.signer : await this.loadSigner(kid);
    return { signer, preconditions: [{ stream: KEYRING_STREAM, revision: this.revision }] };
  }

  /**
   * Loads a key once however many writers ask at the same time: unlocking a key runs scrypt
   * (~32 MiB, tens of ms), and a burst of writers must not each start their own.
   */
  private loadSigner(kid: string): Promise<Signer> {
    let loading = this.loading.get(kid);
    if (!loading) {
      loading = this.keys.load(kid).then(
        (signer) => {
          this.loading.delete(kid);
          if (this.state.activeKid === kid) this.signer = signer;
          return signer;
        },
        (e: unknown) => {
          this.loading.delete(kid);
          throw e;
        },
      );
      this.loading.set(kid, loading);
    }
    return loading;
  }

  /** Creates the genesis key unless the ledger has one; returns the trust root either way. */
  async ensureGenesis(origin: (kid: string) => string, meta: CommandMetadata): Promise<{ trustRoot: string; created: boolean }> {
    await this.refresh();
    if (this.state.trustRoot) return { trustRoot: this.state.trustRoot, created: false };
    const signer = await this.keys.create();
    this.originValue = origin(signer.kid);
    await this.writer.execute(
      KEYRING_STREAM,
      keyRing,
      { type: 'CreateGenesisKey', kid: signer.kid, publicKey: b64url(signer.publicKey) },
      meta,
      { signer },
    );
    await this.refresh();
    return { trustRoot: signer.kid, created: true };
  }

  /** Rotates to a new key, signed by the active one, with the new key's proof of possession. */
  async rotate(meta: CommandMetadata): Promise<{ previousKid: string; kid: string }> {
    await this.refresh();
    const previousKid = this.state.activeKid;
    if (!previousKid) throw new IllegalState('NO_GENESIS', 'the ledger has no signing key yet: run qledger init');
    const next = await this.keys.create();
    const proof = await next.sign(popStatement(this.origin, previousKid, next.kid));
    await this.writer.execute(
      KEYRING_STREAM,
      keyRing,
      { type: 'RotateSigningKey', kid: next.kid, publicKey: b64url(next.publicKey), proofOfPossession: b64url(proof) },
      meta,
    );
    await this.refresh();
    return { previousKid, kid: next.kid };
  }

  async revoke(kid: string, reason: string, compromisedSince: string | null, meta: CommandMetadata): Promise<void> {
    await this.refresh();
    await this.writer.execute(KEYRING_STREAM, keyRing, { type: 'RevokeSigningKey', kid, reason, compromisedSince }, meta);
    await this.refresh();
  }

  list(): KeyInfo[] {
    return [...this.state.keys].map(([kid, k]) => ({ kid, status: k.status, publicKey: k.publicKey, since: this.since.get(kid) ?? '' }));
  }
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
