// Worker thread of the export verifier: checks batches of lines (checkLine) in parallel.
import type * as WorkerThreads from 'node:worker_threads';
import { ed25519 } from '../crypto/ed25519.js';
import { checkBatch, transferables } from './batch.js';
import type { CheckContext } from './check.js';
import type { PoolReply, PoolRequest } from './pool.js';

const wt = process.getBuiltinModule('node:worker_threads') as typeof WorkerThreads;
const port = wt.parentPort;
let ctx: CheckContext | undefined;

port?.on('message', (msg: PoolRequest) => {
  if (msg.type === 'init') {
    ctx = { origin: msg.origin, keys: new Map(msg.keys), ed25519 };
    return;
  }
  if (!ctx) throw new Error('worker used before init');
  if (msg.type === 'keys') {
    ctx = { ...ctx, keys: new Map(msg.keys) };
    return;
  }
  const batch = checkBatch(msg.lines, msg.kind, ctx);
  const reply: PoolReply = { id: msg.id, batch };
  port.postMessage(reply, transferables(batch));
});
