// node dist/bench/seal-cost.bench.js — CPU cost of sealing one event on the writer's thread (no
// database): seal() with the local signer, and seal() with a signer that returns at once (what
// remains when signing happens elsewhere). CPU microseconds of this process per event (not wall
// time: steadier on a shared machine), median of ROUNDS.
import { generateKeyPairSync } from 'node:crypto';
import { newId } from '../src/ledger/ids.js';
import { LocalSigner, type Signer } from '../src/ledger/keys/signer.js';
import { seal } from '../src/ledger/seal.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 20_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);

const { privateKey } = generateKeyPairSync('ed25519');
const jwk = privateKey.export({ format: 'jwk' });
const local = new LocalSigner('0'.repeat(32), Buffer.from(jwk.x as string, 'base64url'), Buffer.from(jwk.d as string, 'base64url'));
const instant: Signer = { kid: local.kid, publicKey: local.publicKey, sign: () => Promise.resolve(new Uint8Array(64)) };

async function round(signer: Signer): Promise<number> {
  let prev: string | null = null;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < EVENTS; i++) {
    const commandId = newId();
    const sealed = await seal(
      'bench.quality-ledger.local/ledger',
      `run-bench-${i % 1000}`,
      { revision: i - 1, hash: prev },
      [{ type: 'CheckReported', data: { check: `unit_tests_${i % 13}`, score: (i % 1000) / 1000, n: i } }],
      {
        commandId,
        occurredAt: new Date().toISOString(),
        actor: { id: 'worker:bench-01', kind: 'worker' },
        correlationId: commandId,
        causationId: commandId,
      },
      signer,
    );
    prev = sealed.envelopes[0]?.hash ?? null;
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / EVENTS;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const withSign: number[] = [];
const without: number[] = [];
await round(local); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  withSign.push(await round(local));
  without.push(await round(instant));
}
console.log(`seal, local signer:   ${median(withSign).toFixed(1)} CPU us/event  (rounds: ${withSign.map((x) => x.toFixed(1)).join(', ')})`);
console.log(`seal, instant signer: ${median(without).toFixed(1)} CPU us/event  (rounds: ${without.map((x) => x.toFixed(1)).join(', ')})`);
