import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import { IllegalState, LedgerError } from '../../domain/errors.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import type { SigningContext } from '../ledger-writer.js';
import { CheckpointEngine, SealerForkError, type SealedCheckpoint } from './checkpoint-engine.js';
import { Lease } from './lease.js';
import { MerkleStore } from './merkle-store.js';
import { sleep } from '../../util/sleep.js';

export const SEALER_LEASE = 'merkle-sealer';

export interface SealerOptions {
  readonly store: EventStore;
  readonly pool: pg.Pool;
  readonly signing: SigningContext;
  /** Seal once this many leaves are not covered by a checkpoint. */
  readonly everyEvents: number;
  /** ...or every this many ms while some leaves are not covered. */
  readonly intervalMs: number;
  readonly leaseMs: number;
  readonly holder?: string;
  readonly log?: (line: string) => void;
  /** Called after each checkpoint (tests, metrics). */
  readonly onSealed?: (cp: SealedCheckpoint) => void;
}

export type SealerRole = 'starting' | 'standby' | 'active' | 'failed' | 'stopped';

export interface SealerStatus {
  readonly role: SealerRole;
  readonly holder: string;
  readonly treeSize: number;
  readonly checkpointSize: number;
  readonly error?: string;
}

const INGEST_BATCH = 500;
const INGEST_DELAY_MS = 20;

export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * The Merkle sealer: exactly one active instance, held by a lease row in the database; the
 * others stand by and take over when its lease expires (or is released). The active one follows
 * the global log, stores leaves and nodes, and seals a signed checkpoint every `everyEvents`
 * leaves or `intervalMs`. A fork (a checkpoint inconsistent with the previous one) stops it.
 */
export class Sealer {
  private readonly lease: Lease;
  private readonly stopping = new AbortController();
  private roleValue: SealerRole = 'starting';
  private error: string | undefined;
  private engine: CheckpointEngine | undefined;
  private running: Promise<void> | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly options: SealerOptions) {
    this.lease = new Lease({ pool: options.pool, name: SEALER_LEASE, holder: options.holder ?? newHolderId(), ttlMs: options.leaseMs });
    this.log = options.log ?? (() => undefined);
  }

  get role(): SealerRole {
    return this.roleValue;
  }

  status(): SealerStatus {
    return {
      role: this.roleValue,
      holder: this.lease.holder,
      treeSize: this.engine?.size ?? 0,
      checkpointSize: this.engine?.checkpointSize ?? 0,
      ...(this.error !== undefined ? { error: this.error } : {}),
    };
  }

  /** Starts in the background: stands by until it gets the lease, then seals. */
  start(): void {
    this.running ??= this.run().catch((e: unknown) => {
      this.fail(e);
    });
  }

  /** Stops sealing and gives the lease up, so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    await this.lease.release().catch(() => undefined);
    if (this.roleValue !== 'failed') this.roleValue = 'stopped';
  }

  private fail(e: unknown): void {
    this.roleValue = 'failed';
    const code = e instanceof LedgerError ? ` [${e.code}]` : '';
    this.error = `${e instanceof Error ? e.message : String(e)}${code}`;
    this.log(`sealer: STOPPED: ${this.error}`);
  }

  private async run(): Promise<void> {
    const merkle = await MerkleStore.open(this.options.pool);
    const retryMs = Math.max(50, Math.floor(this.options.leaseMs / 3));
    while (!this.stopping.signal.aborted) {
      let acquired = false;
      try {
        acquired = await this.lease.tryAcquire();
      } catch (e) {
        this.log(`sealer: cannot reach the lease (${(e as Error).message.split('\n')[0]}); retrying`);
      }
      if (!acquired) {
        this.roleValue = 'standby';
        await sleep(retryMs, this.stopping.signal);
        continue;
      }
      this.roleValue = 'active';
      this.log(`sealer: active (${this.lease.holder}, lease epoch ${this.lease.epoch})`);
      try {
        await this.active(merkle);
      } catch (e) {
        if (e instanceof SealerForkError) throw e;
        if (this.stopping.signal.aborted) break;
        this.log(`sealer: ${(e as Error).message.split('\n')[0]}; standing by`);
        await this.lease.release().catch(() => undefined);
        this.roleValue = 'standby';
        await sleep(retryMs, this.stopping.signal);
      }
    }
  }

  /** Runs while the lease holds: renews it, follows the log, seals. */
  private async active(merkle: MerkleStore): Promise<void> {
    const inner = new AbortController();
    const abort = (): void => inner.abort();
    this.stopping.signal.addEventListener('abort', abort, { once: true });
    let failure: unknown;
    const engine = new CheckpointEngine({
      store: this.options.store,
      pool: this.options.pool,
      merkle,
      lease: this.lease,
      signing: this.options.signing,
    });
    this.engine = engine;
    let chain: Promise<void> = Promise.resolve();
    const serial = (fn: () => Promise<void>): Promise<void> =>
      (chain = chain.then(async () => {
        if (failure !== undefined) return;
        try {
          await fn();
        } catch (e) {
          failure ??= e;
          inner.abort();
        }
      }));
    const renew = setInterval(
      () =>
        void this.lease.renew().then(
          (held) => {
            if (!held) {
              failure ??= new IllegalState('SEALER_LEASE_LOST', 'the sealer lost its lease: another sealer took over');
              inner.abort();
            }
          },
          () => undefined, // a failed renewal is retried; the lease expires if the database stays away
        ),
      Math.max(50, Math.floor(this.options.leaseMs / 3)),
    );
    const sealIfAny = (): Promise<void> => serial(async () => void (await this.sealed(engine)));
    const tick = setInterval(() => void sealIfAny(), this.options.intervalMs);
    let buffer: RecordedEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = (): Promise<void> => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const batch = buffer;
      buffer = [];
      return serial(async () => {
        await engine.ingest(batch);
        if (engine.size - engine.checkpointSize >= this.options.everyEvents) await this.sealed(engine);
      });
    };
    try {
      await serial(() => engine.load());
      if (failure !== undefined) throw failure;
      for await (const r of this.options.store.subscribeToAll({ fromPosition: engine.nextPosition, signal: inner.signal })) {
        buffer.push(r);
        if (buffer.length >= INGEST_BATCH) await flush();
        else timer ??= setTimeout(() => void flush(), INGEST_DELAY_MS);
      }
      await chain;
    } catch (e) {
      failure ??= e;
    } finally {
      clearInterval(renew);
      clearInterval(tick);
      if (timer) clearTimeout(timer);
      this.stopping.signal.removeEventListener('abort', abort);
      await chain;
    }
    if (failure === undefined) return;
    if (this.stopping.signal.aborted && !(failure instanceof SealerForkError)) return;
    throw failure;
  }

  private async sealed(engine: CheckpointEngine): Promise<void> {
    const cp = await engine.seal();
    if (cp) {
      this.log(`sealer: checkpoint ${cp.size} ${cp.root}`);
      this.options.onSealed?.(cp);
    }
  }
}

/** One checkpoint now, from a separate process (the CLI): takes the lease for the duration, or says who holds it. */
export async function sealOnce(
  options: Omit<SealerOptions, 'everyEvents' | 'intervalMs' | 'onSealed'>,
): Promise<SealedCheckpoint | undefined> {
  const merkle = await MerkleStore.open(options.pool);
  const lease = new Lease({ pool: options.pool, name: SEALER_LEASE, holder: options.holder ?? newHolderId(), ttlMs: options.leaseMs });
  if (!(await lease.tryAcquire())) {
    const holder = await Lease.current(options.pool, SEALER_LEASE);
    throw new IllegalState(
      'SEALER_BUSY',
      `the sealer is running in ${holder?.holder ?? 'another process'} and seals on its own schedule: wait for its next checkpoint, or stop it first`,
    );
  }
  const renew = setInterval(() => void lease.renew().catch(() => undefined), Math.max(50, Math.floor(options.leaseMs / 3)));
  try {
    const engine = new CheckpointEngine({ store: options.store, pool: options.pool, merkle, lease, signing: options.signing });
    await engine.load();
    await engine.catchUp();
    return await engine.seal();
  } finally {
    clearInterval(renew);
    await lease.release().catch(() => undefined);
  }
}
