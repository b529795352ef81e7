import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

interface Waiting {
  readonly message: Uint8Array;
  readonly resolve: (signature: Uint8Array) => void;
  readonly reject: (e: unknown) => void;
}

interface Thread {
  readonly worker: Worker;
  /** Batches sent and not answered, by id. */
  readonly batches: Map<number, readonly Waiting[]>;
  readonly kids: Set<string>;
}

type Reply = { readonly id: number; readonly signatures: Uint8Array } | { readonly id: number; readonly error: string };

/**
 * Ed25519 signing on worker threads, so that the writer's thread only prepares envelopes.
 * Requests made in one turn of the event loop go out together (one message per thread, split
 * evenly), and the signatures come back in one transferred buffer. Keys are registered as
 * KeyObjects (cloned by the runtime into the thread; the key bytes are never exported).
 * A thread that fails fails its pending requests and the pool stops: callers fall back to
 * signing on their own thread (LocalSigner does).
 */
export class SignPool {
  private readonly threads: Thread[];
  private queue = new Map<string, Waiting[]>();
  private flushing = false;
  private nextId = 0;
  private failed: Error | undefined;
  private closed = false;

  constructor(size: number = SignPool.defaultSize()) {
    this.threads = Array.from({ length: Math.max(1, size) }, () => this.spawn());
  }

  /** One thread per core but one (the writer's); 0 (no pool) on a single core. */
  static defaultSize(): number {
    return Math.max(0, availableParallelism() - 1);
  }

  /** False once a thread failed or the pool was closed. */
  get usable(): boolean {
    return this.failed === undefined && !this.closed;
  }

  sign(kid: string, key: KeyObject, message: Uint8Array): Promise<Uint8Array> {
    if (!this.usable) return Promise.reject(this.failed ?? new Error('the signing pool is closed'));
    for (const t of this.threads) {
      if (!t.kids.has(kid)) {
        t.worker.postMessage({ t: 'key', kid, key });
        t.kids.add(kid);
      }
    }
    return new Promise((resolve, reject) => {
      let list = this.queue.get(kid);
      if (list === undefined) this.queue.set(kid, (list = []));
      list.push({ message, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Writers woken together make their requests in the same turn: send them in one go.
        setImmediate(() => this.flush());
      }
    });
  }

  toJSON(): object {
    return { threads: this.threads.length, usable: this.usable };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SignPool { threads: ${this.threads.length}, usable: ${this.usable} }`;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private flush(): void {
    this.flushing = false;
    const queue = this.queue;
    this.queue = new Map();
    for (const [kid, waiting] of queue) {
      const per = Math.ceil(waiting.length / this.threads.length);
      this.threads.forEach((t, i) => {
        const chunk = waiting.slice(i * per, (i + 1) * per);
        if (chunk.length > 0) this.send(t, kid, chunk);
      });
    }
  }

  private send(t: Thread, kid: string, chunk: readonly Waiting[]): void {
    if (!this.usable) {
      for (const w of chunk) w.reject(this.failed ?? new Error('the signing pool is closed'));
      return;
    }
    const lengths = chunk.map((w) => w.message.length);
    const data = new Uint8Array(lengths.reduce((a, b) => a + b, 0));
    let offset = 0;
    for (const w of chunk) {
      data.set(w.message, offset);
      offset += w.message.length;
    }
    const id = this.nextId++;
    t.batches.set(id, chunk);
    if (t.batches.size === 1) t.worker.ref();
    t.worker.postMessage({ t: 'sign', id, kid, data, lengths }, [data.buffer]);
  }

  private spawn(): Thread {
    const worker = new Worker(new URL('./sign-worker.js', import.meta.url));
    const thread: Thread = { worker, batches: new Map(), kids: new Set() };
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const chunk = thread.batches.get(reply.id);
      if (chunk === undefined) return;
      thread.batches.delete(reply.id);
      if (thread.batches.size === 0) worker.unref();
      if ('error' in reply) {
        for (const w of chunk) w.reject(new Error(reply.error));
        return;
      }
      chunk.forEach((w, i) => w.resolve(reply.signatures.subarray(64 * i, 64 * (i + 1))));
    });
    const fail = (e: unknown): void => {
      if (!this.closed) this.failed ??= e instanceof Error ? e : new Error(`signing thread stopped (${String(e)})`);
      for (const chunk of thread.batches.values()) for (const w of chunk) w.reject(this.failed ?? new Error('the signing pool is closed'));
      thread.batches.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`signing thread exited with code ${code}`)));
    return thread;
  }
}
