// A pool of worker threads running checkBatch over batches of lines: strings, or raw UTF-8
// bytes transferred (not copied) and decoded in the worker. Packed results come back in
// transferred buffers, in submission order; the caller bounds the batches in flight.

import type * as WorkerThreads from 'node:worker_threads';
import type * as Os from 'node:os';
import { ed25519 } from '../crypto/ed25519.js';
import { checkBatch, type PackedBatch } from './batch.js';
import type { CheckContext } from './check.js';
import type { SignerWindow } from '../keys/keychain.js';

export type PoolRequest =
  | { readonly type: 'init'; readonly origin: string; readonly keys: [string, SignerWindow][] }
  | { readonly type: 'keys'; readonly keys: [string, SignerWindow][] }
  | { readonly type: 'batch'; readonly id: number; readonly kind: 'event' | 'checkpoint'; readonly lines: readonly string[] | Uint8Array };

export interface PoolReply {
  readonly id: number;
  readonly batch: PackedBatch;
}

export type BatchResult = PackedBatch;

function builtin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(id) as T | undefined;
}

/** Cores available to this process (1 where unknown). */
export function availableCores(): number {
  const os = builtin<typeof Os>('node:os');
  return Math.max(1, os?.availableParallelism?.() ?? os?.cpus().length ?? 1);
}

interface Slot {
  readonly worker: WorkerThreads.Worker;
  inFlight: number;
}

export class CheckPool {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failed: Error | undefined;
  private closed = false;

  private ctx: CheckContext | undefined;

  /**
   * `workers` 0 checks inline on the calling thread (no worker_threads needed). The threads
   * start at once; they check batches once {@link start} has given them the context.
   */
  constructor(workers: number, ctx?: CheckContext) {
    const wt = workers > 0 ? builtin<typeof WorkerThreads>('node:worker_threads') : undefined;
    if (!wt) return;
    const url = new URL('./worker.js', import.meta.url);
    for (let i = 0; i < workers; i++) {
      // Bounded heaps: the work is many short-lived objects; RSS stays low at little GC cost.
      const worker = new wt.Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: 24, maxOldGenerationSizeMb: 96 } });
      worker.unref();
      const slot: Slot = { worker, inFlight: 0 };
      worker.on('message', (reply: PoolReply) => {
        slot.inFlight--;
        const w = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        w?.resolve(reply.batch);
      });
      worker.on('error', (e: Error) => this.fail(e));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a verification worker exited with status ${code}`));
      });
      this.slots.push(slot);
    }
    if (ctx) this.start(ctx);
  }

  /** The origin and keys every batch is checked against (once, before the first submit). */
  start(ctx: CheckContext): void {
    if (this.ctx) throw new Error('the check pool is already started');
    this.ctx = ctx;
    const init: PoolRequest = { type: 'init', origin: ctx.origin, keys: [...ctx.keys.entries()] };
    for (const s of this.slots) s.worker.postMessage(init);
  }

  /** New key windows (the chain grew): for the batches submitted from now on. */
  updateKeys(keys: ReadonlyMap<string, SignerWindow>): void {
    const ctx = this.ctx;
    if (!ctx) throw new Error('the check pool is used before start');
    this.ctx = { ...ctx, keys };
    const msg: PoolRequest = { type: 'keys', keys: [...keys.entries()] };
    for (const s of this.slots) s.worker.postMessage(msg);
  }

  get size(): number {
    return this.slots.length;
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.failed ??= e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  /** Lines as strings, or as UTF-8 bytes each ending with "\n" (whose buffer is transferred to the worker). */
  submit(kind: 'event' | 'checkpoint', lines: readonly string[] | Uint8Array): Promise<BatchResult> {
    if (this.failed) return Promise.reject(this.failed);
    const ctx = this.ctx;
    if (!ctx) return Promise.reject(new Error('the check pool is used before start'));
    if (this.slots.length === 0) {
      try {
        return Promise.resolve(checkBatch(lines, kind, { ...ctx, ed25519: ctx.ed25519 ?? ed25519 }));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
    let slot = this.slots[0] as Slot;
    for (const s of this.slots) if (s.inFlight < slot.inFlight) slot = s;
    const id = this.nextId++;
    slot.inFlight++;
    return new Promise<BatchResult>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const req: PoolRequest = { type: 'batch', id, kind, lines };
      const whole = lines instanceof Uint8Array && lines.byteOffset === 0 && lines.byteLength === lines.buffer.byteLength;
      slot.worker.postMessage(req, whole ? [lines.buffer as ArrayBuffer] : []);
    });
  }

  /** Stops the threads; batches still in flight are dropped (their promises stay pending). */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.clear();
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
