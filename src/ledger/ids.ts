import { hash, randomFillSync } from 'node:crypto';

// Random bytes are drawn from the CSPRNG 4 KiB at a time (one call into the runtime per ~400
// ids, not one per id); each id takes fresh bytes that are then wiped from the pool.
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;

/** A new random UUIDv7 (RFC 9562): 48-bit Unix ms timestamp, then random bits. */
export function newId(nowMs: number = Date.now()): string {
  if (poolOffset + 10 > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const id = formatV7(nowMs, POOL.subarray(poolOffset, poolOffset + 10));
  POOL.fill(0, poolOffset, poolOffset + 10);
  poolOffset += 10;
  return id;
}

/**
 * The id of the `index`-th event written by a command: a UUIDv7 whose timestamp is the
 * command's time and whose "random" bits are derived from the command id. Re-running the
 * same command yields the same event ids, so the store's idempotency catches a replay.
 */
export function eventIdFor(commandId: string, index: number, occurredAtMs: number): string {
  const h = hash('sha256', `qledger/event-id/v1\n${commandId}\n${index}`, 'buffer');
  return formatV7(occurredAtMs, h.subarray(0, 10));
}

function formatV7(ms: number, rand: Uint8Array): string {
  const b = Buffer.allocUnsafe(16); // every byte is written below
  b.writeUIntBE(Math.max(0, Math.floor(ms)) % 2 ** 48, 0, 6);
  b.set(rand.subarray(0, 10), 6);
  b[6] = 0x70 | ((b[6] as number) & 0x0f);
  b[8] = 0x80 | ((b[8] as number) & 0x3f);
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
