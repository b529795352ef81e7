import { createHash, randomBytes } from 'node:crypto';

/** A new random UUIDv7 (RFC 9562): 48-bit Unix ms timestamp, then random bits. */
export function newId(nowMs: number = Date.now()): string {
  return formatV7(nowMs, randomBytes(10));
}

/**
 * The id of the `index`-th event written by a command: a UUIDv7 whose timestamp is the
 * command's time and whose "random" bits are derived from the command id. Re-running the
 * same command yields the same event ids, so the store's idempotency catches a replay.
 */
export function eventIdFor(commandId: string, index: number, occurredAtMs: number): string {
  const h = createHash('sha256').update(`qledger/event-id/v1\n${commandId}\n${index}`).digest();
  return formatV7(occurredAtMs, h.subarray(0, 10));
}

function formatV7(ms: number, rand: Uint8Array): string {
  const b = Buffer.alloc(16);
  b.writeUIntBE(Math.max(0, Math.floor(ms)) % 2 ** 48, 0, 6);
  b.set(rand.subarray(0, 10), 6);
  b[6] = 0x70 | ((b[6] as number) & 0x0f);
  b[8] = 0x80 | ((b[8] as number) & 0x3f);
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
