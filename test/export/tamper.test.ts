import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  canonicalize,
  formatCheckpoint,
  formatSignedNote,
  InputError,
  noteKeyId,
  noteSigningMessage,
  prepareSeal,
  verifyExport,
  type EventEnvelope,
  type UnsealedEnvelope,
} from 'ledger-verify';
import { writeExport } from '../../src/export/export-writer.js';
import { LocalKeystore } from '../../src/ledger/keys/keystore.js';
import { buildExportFixture, type ExportFixture } from '../support/export-fixture.js';

const BIN = new URL('../../../ledger-verify/dist/src/cli.js', import.meta.url).pathname;

interface Line {
  leaf?: number;
  position: number;
  event: EventEnvelope;
}

/** An export copy, its files as parsed lines, re-written with a consistent manifest (an attacker recomputes it: it is unsigned). */
class Copy {
  readonly dir: string;
  events: Line[];
  checkpoints: Line[];
  constructor(src: string) {
    this.dir = join(mkdtempSync(join(tmpdir(), 'qledger-tamper-')), 'export');
    cpSync(src, this.dir, { recursive: true });
    const read = (f: string): Line[] =>
      readFileSync(join(this.dir, f), 'utf8')
        .split('\n')
        .slice(0, -1)
        .map((l) => JSON.parse(l) as Line);
    this.events = read('events.ndjson');
    this.checkpoints = read('checkpoints.ndjson');
  }

  /** Re-numbers leaves (unless told not to) and writes the files and a matching manifest. */
  write(options: { renumber?: boolean } = {}): void {
    if (options.renumber !== false) this.events.forEach((l, i) => (l.leaf = i));
    const ev = this.events.map((l) => `${canonicalize(l)}\n`).join('');
    const cp = this.checkpoints.map((l) => `${canonicalize(l)}\n`).join('');
    writeFileSync(join(this.dir, 'events.ndjson'), ev);
    writeFileSync(join(this.dir, 'checkpoints.ndjson'), cp);
    const manifest = JSON.parse(readFileSync(join(this.dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    const last = this.checkpoints.at(-1)?.event;
    const d = last?.data as { size: number; root: string } | undefined;
    const positions = [...this.events, ...this.checkpoints].map((l) => l.position);
    Object.assign(manifest, {
      head: { position: Math.max(...positions) + 1 },
      counts: { events: this.events.length, checkpoints: this.checkpoints.length },
      lastCheckpoint: last && d ? { size: d.size, rootHash: d.root, eventId: last.id } : null,
      files: {
        'events.ndjson': { sha256: createHash('sha256').update(ev).digest('hex'), bytes: Buffer.byteLength(ev) },
        'checkpoints.ndjson': { sha256: createHash('sha256').update(cp).digest('hex'), bytes: Buffer.byteLength(cp) },
      },
    });
    writeFileSync(join(this.dir, 'manifest.json'), canonicalize(manifest));
  }
}

describe('tamper suite: every kind of damage to a real export is caught with its own code and place', () => {
  let ex: ExportFixture;
  let keys: LocalKeystore;
  before(async () => {
    ex = await buildExportFixture();
    keys = new LocalKeystore({ dir: ex.fx.keysDir, passphrase: undefined, allowInsecure: true });
  });
  after(async () => {
    await ex.close();
  });

  /** Re-seals an envelope after a change, signed by `kid` (a stolen or the active key: the attacker holds it). */
  async function reseal(e: EventEnvelope, change: (u: Record<string, unknown>) => void, kid: string): Promise<EventEnvelope> {
    const { hash: _h, sig: _s, ...unsealed } = structuredClone(e);
    change(unsealed as Record<string, unknown>);
    const signer = await keys.load(kid);
    const p = prepareSeal(unsealed as UnsealedEnvelope);
    return p.complete(kid, await signer.sign(p.payload)).envelope;
  }

  async function report(copy: Copy) {
    return verifyExport(copy.dir, { trustRoot: ex.fx.trustRoot });
  }

  function expectFailure(
    r: Awaited<ReturnType<typeof report>>,
    code: string,
    where: { stream?: string | null; revision?: number | null; eventId?: string | null } = {},
  ): void {
    assert.equal(r.ok, false, 'the damaged export must not verify');
    const hit = r.failures.find(
      (f) =>
        f.code === code &&
        (where.stream === undefined || f.stream === where.stream) &&
        (where.revision === undefined || f.revision === where.revision) &&
        (where.eventId === undefined || f.eventId === where.eventId),
    );
    assert.ok(
      hit,
      `expected ${code} at ${JSON.stringify(where)}, got:\n${JSON.stringify(r.failures.map((f) => [f.code, f.file, f.line, f.stream, f.revision, f.eventId]))}`,
    );
  }

  const pick = (copy: Copy, stream: string, revision: number): number => {
    const i = copy.events.findIndex((l) => l.event.stream === stream && l.event.revision === revision);
    assert.ok(i >= 0, `${stream}@${revision} in the fixture`);
    return i;
  };

  it('the clean export verifies: library ok, bin exit 0', async () => {
    const r = await verifyExport(ex.dir, { trustRoot: ex.fx.trustRoot });
    assert.equal(r.ok, true, JSON.stringify(r.failures));
    assert.equal(r.events, ex.result.manifest.counts.events);
    assert.equal(r.uncoveredEvents, 0, 'the last checkpoint covers every event');
    const tar = await verifyExport(
      (
        await writeExport({
          store: ex.fx.store,
          origin: ex.fx.keyRing.origin,
          trustRoot: ex.fx.trustRoot,
          out: join(mkdtempSync(join(tmpdir(), 'qledger-tamper-tar-')), 'x'),
          tar: true,
        })
      ).path,
      { trustRoot: ex.fx.trustRoot },
    );
    assert.equal(tar.ok, true, JSON.stringify(tar.failures));
    const bin = spawnSync(process.execPath, [BIN, ex.dir, '--trust-root', ex.fx.trustRoot], { encoding: 'utf8' });
    assert.equal(bin.status, 0, bin.stdout + bin.stderr);
  });

  const cases: Array<{
    name: string;
    code: string;
    damage: (c: Copy) => Promise<{ stream?: string; revision?: number; eventId?: string }>;
  }> = [
    {
      name: 'changed payload',
      code: 'PAYLOAD_CHANGED',
      damage: async (c) => {
        const l = c.events[pick(c, 'run-alpha', 1)]!;
        (l.event.data as { value: number }).value = 99;
        return { stream: 'run-alpha', revision: 1, eventId: l.event.id };
      },
    },
    {
      name: 'changed metadata (actor)',
      code: 'PAYLOAD_CHANGED',
      damage: async (c) => {
        const l = c.events[pick(c, 'run-beta', 0)]!;
        (l.event as { actor: { id: string } }).actor.id = 'svc:someone-else';
        return { stream: 'run-beta', revision: 0, eventId: l.event.id };
      },
    },
    {
      name: 'changed hash',
      code: 'HASH_CHANGED',
      damage: async (c) => {
        const l = c.events[pick(c, 'project-p1', 1)]!;
        (l.event as { hash: string }).hash = randomBytes(32).toString('hex');
        return { stream: 'project-p1', revision: 1, eventId: l.event.id };
      },
    },
    {
      name: 'bad signature',
      code: 'BAD_SIGNATURE',
      damage: async (c) => {
        const l = c.events[pick(c, 'run-alpha', 0)]!;
        const v = l.event.sig.val;
        (l.event.sig as { val: string }).val = (v[0] === 'A' ? 'B' : 'A') + v.slice(1);
        return { stream: 'run-alpha', revision: 0, eventId: l.event.id };
      },
    },
    {
      name: 'missing signature',
      code: 'MISSING_SIGNATURE',
      damage: async (c) => {
        const l = c.events[pick(c, 'run-alpha', 2)]!;
        delete (l.event as { sig?: unknown }).sig;
        return { stream: 'run-alpha', revision: 2, eventId: l.event.id };
      },
    },
    {
      name: 'unknown kid',
      code: 'UNKNOWN_KID',
      damage: async (c) => {
        const l = c.events[pick(c, 'decision-d1', 0)]!;
        (l.event.sig as { kid: string }).kid = randomBytes(16).toString('hex');
        return { stream: 'decision-d1', revision: 0, eventId: l.event.id };
      },
    },
    {
      name: 'use of a revoked key (an event re-signed with the stolen, revoked genesis key)',
      code: 'KEY_REVOKED',
      damage: async (c) => {
        const i = pick(c, 'decision-d1', 1);
        c.events[i]!.event = await reseal(c.events[i]!.event, (u) => ((u['data'] as { value: number }).value = 7), ex.genesisKid);
        return { stream: 'decision-d1', revision: 1, eventId: c.events[i]!.event.id };
      },
    },
    {
      name: 'rotation without a valid proof of possession',
      code: 'ROTATION_BAD_PROOF_OF_POSSESSION',
      damage: async (c) => {
        const i = pick(c, 'ledger-keys', 1);
        c.events[i]!.event = await reseal(
          c.events[i]!.event,
          (u) => ((u['data'] as { proofOfPossession: string }).proofOfPossession = randomBytes(64).toString('base64url')),
          ex.genesisKid,
        );
        return { stream: 'ledger-keys', revision: 1, eventId: c.events[i]!.event.id };
      },
    },
    {
      name: 'rotation not signed by the previous key',
      code: 'ROTATION_NOT_SIGNED_BY_PREVIOUS',
      damage: async (c) => {
        const i = pick(c, 'ledger-keys', 1);
        c.events[i]!.event = await reseal(c.events[i]!.event, () => undefined, ex.rotatedKid);
        return { stream: 'ledger-keys', revision: 1, eventId: c.events[i]!.event.id };
      },
    },
    {
      name: 'event from another origin',
      code: 'ORIGIN_MISMATCH',
      damage: async (c) => {
        const i = pick(c, 'run-beta', 2);
        c.events[i]!.event = await reseal(c.events[i]!.event, (u) => (u['origin'] = 'other.example/ledger'), ex.rotatedKid);
        return { stream: 'run-beta', revision: 2, eventId: c.events[i]!.event.id };
      },
    },
    {
      name: 'bad base64 in a signature',
      code: 'MALFORMED_ENVELOPE',
      damage: async (c) => {
        const l = c.events[pick(c, 'run-beta', 1)]!;
        (l.event.sig as { val: string }).val = `!${l.event.sig.val.slice(1)}`;
        return { stream: 'run-beta', revision: 1, eventId: l.event.id };
      },
    },
    {
      name: "forged key chain: a genesis that is not the trust root (the attacker's own key)",
      code: 'GENESIS_NOT_TRUST_ROOT',
      damage: async (c) => {
        const i = pick(c, 'ledger-keys', 0);
        const own = await keys.create();
        const pk = Buffer.from(own.publicKey).toString('base64url');
        c.events[i]!.event = await reseal(c.events[i]!.event, (u) => (u['data'] = { kid: own.kid, publicKey: pk }), own.kid);
        return { stream: 'ledger-keys', revision: 0, eventId: c.events[i]!.event.id };
      },
    },
    {
      name: 'deleted event in a stream',
      code: 'STREAM_REVISION_GAP',
      damage: async (c) => {
        c.events.splice(pick(c, 'run-alpha', 3), 1);
        const next = c.events[pick(c, 'run-alpha', 4)]!;
        return { stream: 'run-alpha', revision: 4, eventId: next.event.id };
      },
    },
    {
      name: 'duplicated event',
      code: 'STREAM_DUPLICATE_EVENT',
      damage: async (c) => {
        const i = pick(c, 'run-beta', 1);
        c.events.splice(i + 1, 0, structuredClone(c.events[i]!));
        c.events.forEach((l, k) => k > i && (l.position += 1));
        return { stream: 'run-beta', revision: 1 };
      },
    },
    {
      name: 'inserted event (a forged event signed by the active key, with a made-up prev)',
      code: 'STREAM_PREV_MISMATCH',
      damage: async (c) => {
        const i = pick(c, 'evidence-e1', 1);
        c.events[i]!.event = await reseal(c.events[i]!.event, (u) => (u['prev'] = randomBytes(32).toString('hex')), ex.rotatedKid);
        return { stream: 'evidence-e1', revision: 1, eventId: c.events[i]!.event.id };
      },
    },
    {
      name: 'reordered events in a stream',
      code: 'STREAM_REORDERED',
      damage: async (c) => {
        const a = pick(c, 'run-alpha', 0);
        const b = pick(c, 'run-alpha', 1);
        const ea = c.events[a]!.event;
        c.events[a]!.event = c.events[b]!.event;
        c.events[b]!.event = ea;
        return { stream: 'run-alpha' };
      },
    },
    {
      name: 'reordered events across streams (stream chains intact): the Merkle root differs',
      code: 'MERKLE_ROOT_MISMATCH',
      damage: async (c) => {
        const a = pick(c, 'run-alpha', 0);
        const b = pick(c, 'project-p1', 0);
        const ea = c.events[a]!.event;
        c.events[a]!.event = c.events[b]!.event;
        c.events[b]!.event = ea;
        return {};
      },
    },
    {
      name: 'deleted tail after a checkpoint',
      code: 'TAIL_DELETED',
      damage: async (c) => {
        c.events.splice(-2, 2);
        return {};
      },
    },
    {
      name: 'invalid checkpoint signature (note re-signed by a key that is not the ledger key)',
      code: 'CHECKPOINT_BAD_SIGNATURE',
      damage: async (c) => {
        const l = c.checkpoints.at(-1)!;
        const d = l.event.data as { size: number; root: string; note: string };
        const text = d.note.slice(0, d.note.indexOf('\n\n') + 1);
        const stranger = await keys.create();
        const note = formatSignedNote(text, [
          {
            name: ex.fx.keyRing.origin,
            keyId: noteKeyId(ex.fx.keyRing.origin, stranger.publicKey),
            signature: await stranger.sign(noteSigningMessage(text)),
          },
        ]);
        l.event = await reseal(l.event, (u) => ((u['data'] as { note: string }).note = note), ex.rotatedKid);
        return { stream: 'ledger-checkpoints', eventId: l.event.id };
      },
    },
    {
      name: 'fork: a second, validly signed and chained checkpoint of the same size with another root',
      code: 'CHECKPOINT_FORK',
      damage: async (c) => {
        const last = c.checkpoints.at(-1)!;
        const d = last.event.data as { size: number; root: string; note: string };
        const origin = ex.fx.keyRing.origin;
        const rootHash = new Uint8Array(randomBytes(32));
        const text = formatCheckpoint({ origin, size: d.size, rootHash });
        const signer = await keys.load(ex.rotatedKid);
        const note = formatSignedNote(text, [
          { name: origin, keyId: noteKeyId(origin, signer.publicKey), signature: await signer.sign(noteSigningMessage(text)) },
        ]);
        const root = Buffer.from(rootHash).toString('base64');
        const forged = await reseal(
          last.event,
          (u) => {
            Object.assign(u['data'] as object, { root, note });
            u['id'] = '01a2ffff-0000-7000-8000-000000000001';
            u['revision'] = last.event.revision + 1;
            u['prev'] = last.event.hash;
          },
          ex.rotatedKid,
        );
        c.checkpoints.push({ position: last.position + 1, event: forged });
        return { stream: 'ledger-checkpoints', revision: forged.revision, eventId: forged.id };
      },
    },
  ];

  for (const t of cases) {
    it(`${t.name}: ${t.code}`, async () => {
      const copy = new Copy(ex.dir);
      const where = await t.damage(copy);
      copy.write();
      expectFailure(await report(copy), t.code, where);
    });
  }

  it('a file changed without updating the manifest: FILE_DIGEST_MISMATCH', async () => {
    const copy = new Copy(ex.dir);
    const text = readFileSync(join(copy.dir, 'checkpoints.ndjson'), 'utf8');
    writeFileSync(join(copy.dir, 'checkpoints.ndjson'), text + text.split('\n')[0] + '\n');
    const r = await report(copy);
    assert.equal(r.ok, false);
    assert.ok(
      r.failures.some((f) => f.code === 'FILE_DIGEST_MISMATCH' && f.file === 'checkpoints.ndjson'),
      JSON.stringify(r.failures.map((f) => [f.code, f.file])),
    );
  });

  it('the bin reports damage with exit 1 and the code in its JSON report', async () => {
    const copy = new Copy(ex.dir);
    const l = copy.events[pick(copy, 'run-alpha', 1)]!;
    (l.event.data as { value: number }).value = 42;
    copy.write();
    const bin = spawnSync(process.execPath, [BIN, copy.dir, '--trust-root', ex.fx.trustRoot, '--json'], { encoding: 'utf8' });
    assert.equal(bin.status, 1, bin.stderr);
    const r = JSON.parse(bin.stdout) as { ok: boolean; failures: Array<{ code: string; eventId: string | null }> };
    assert.ok(
      r.failures.some((f) => f.code === 'PAYLOAD_CHANGED' && f.eventId === l.event.id),
      bin.stdout,
    );
  });

  it('a truncated file or a line that is not JSON is unreadable input (exit 2 for the bin) with a clear message, never a crash', async () => {
    const truncated = new Copy(ex.dir);
    const text = readFileSync(join(truncated.dir, 'events.ndjson'), 'utf8');
    writeFileSync(join(truncated.dir, 'events.ndjson'), text.slice(0, -10));
    await assert.rejects(verifyExport(truncated.dir, { trustRoot: ex.fx.trustRoot }), (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.equal(e.code, 'INPUT_TRUNCATED');
      assert.match(e.message, /events\.ndjson/);
      return true;
    });

    const garbage = new Copy(ex.dir);
    const lines = readFileSync(join(garbage.dir, 'checkpoints.ndjson'), 'utf8').split('\n');
    lines[0] = '{"position": 3, "event": {oops}';
    writeFileSync(join(garbage.dir, 'checkpoints.ndjson'), lines.join('\n'));
    await assert.rejects(verifyExport(garbage.dir, { trustRoot: ex.fx.trustRoot }), (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.equal(e.code, 'MALFORMED_JSON');
      assert.match(e.message, /checkpoints\.ndjson|line 1/);
      return true;
    });
    const tb = spawnSync(process.execPath, [BIN, truncated.dir, '--trust-root', ex.fx.trustRoot], { encoding: 'utf8' });
    assert.equal(tb.status, 2, tb.stdout + tb.stderr);
    assert.match(tb.stderr, /^ledger-verify: /m);
    const gb = spawnSync(process.execPath, [BIN, garbage.dir, '--trust-root', ex.fx.trustRoot], { encoding: 'utf8' });
    assert.equal(gb.status, 2, gb.stdout + gb.stderr);
    assert.match(gb.stderr, /^ledger-verify: /m);
    assert.doesNotMatch(gb.stderr, /at .*\.js:\d+/, 'no stack trace');
  });
});
