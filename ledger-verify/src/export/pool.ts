// A pool of worker threads running checkLine over batches of lines. Results come back in
// submission order; the caller bounds the batches in flight (constant memory).

import type * as WorkerThreads from 'node:worker_threads';
import type * as Os from 'node:os';
import { ed25519 } from '../crypto/ed25519.js';
import { checkLine, type CheckContext, type CheckedLine } from './check.js';

export type PoolRequest =
  | { readonly type: 'init'; readonly origin: string; readonly keys: [string, Uint8Array][] }
  | { readonly type: 'batch'; readonly id: number; readonly kind: 'event' | 'checkpoint'; readonly lines: string[] };

export interface PoolReply {
  readonly id: number;
  readonly results: CheckedLine[];
  readonly leaves: Uint8Array;
}

export interface BatchResult {
  readonly results: readonly CheckedLine[];
  /** 32-byte leaf hash per line. */
  readonly leaves: Uint8Array;
}

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

  /** `workers` 0 checks inline on the calling thread (no worker_threads needed). */
  constructor(
    workers: number,
    private readonly ctx: CheckContext,
  ) {
    const wt = workers > 0 ? builtin<typeof WorkerThreads>('node:worker_threads') : undefined;
    if (!wt) return;
    const url = new URL('./worker.js', import.meta.url);
    for (let i = 0; i < workers; i++) {
      // Bounded heaps: the work is many short-lived objects; RSS stays low at little GC cost.
      const worker = new wt.Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 96 } });
      worker.unref();
      const init: PoolRequest = { type: 'init', origin: ctx.origin, keys: [...ctx.keys.entries()] };
      worker.postMessage(init);
      const slot: Slot = { worker, inFlight: 0 };
      worker.on('message', (reply: PoolReply) => {
        slot.inFlight--;
        const w = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        w?.resolve({ results: reply.results, leaves: reply.leaves });
      });
      worker.on('error', (e: Error) => this.fail(e));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a verification worker exited with status ${code}`));
      });
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  submit(kind: 'event' | 'checkpoint', lines: string[]): Promise<BatchResult> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.slots.length === 0) {
      const leaves = new Uint8Array(32 * lines.length);
      const results = lines.map((t, i) =>
        checkLine(t, kind, { ...this.ctx, ed25519: this.ctx.ed25519 ?? ed25519 }, leaves.subarray(32 * i, 32 * i + 32)),
      );
      return Promise.resolve({ results, leaves });
    }
    let slot = this.slots[0] as Slot;
    for (const s of this.slots) if (s.inFlight < slot.inFlight) slot = s;
    const id = this.nextId++;
    slot.inFlight++;
    return new Promise<BatchResult>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const req: PoolRequest = { type: 'batch', id, kind, lines };
      slot.worker.postMessage(req);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
