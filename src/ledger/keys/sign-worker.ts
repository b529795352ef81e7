// A signing thread of SignPool: holds the KeyObjects it was given (never their bytes) and signs
// batches of messages. Protocol: see sign-pool.ts.
import { sign, type KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

type Request =
  | { readonly t: 'key'; readonly kid: string; readonly key: KeyObject }
  | { readonly t: 'sign'; readonly id: number; readonly kid: string; readonly data: Uint8Array; readonly lengths: readonly number[] };

const keys = new Map<string, KeyObject>();
const port = parentPort;
if (port === null) throw new Error('sign-worker runs as a worker thread only');

port.on('message', (m: Request) => {
  if (m.t === 'key') {
    keys.set(m.kid, m.key);
    return;
  }
  const key = keys.get(m.kid);
  if (key === undefined) {
    port.postMessage({ id: m.id, error: `key ${m.kid} is not registered with the signing thread` });
    return;
  }
  const out = new Uint8Array(64 * m.lengths.length);
  let offset = 0;
  m.lengths.forEach((length, i) => {
    out.set(sign(null, m.data.subarray(offset, offset + length), key), 64 * i);
    offset += length;
  });
  port.postMessage({ id: m.id, signatures: out }, [out.buffer]);
});
