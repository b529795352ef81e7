import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  base64ToBytes,
  bytesToBase64,
  ed25519,
  FormatError,
  formatCheckpoint,
  merkleRoot,
  leafHash,
  noteKeyId,
  noteVerifierKey,
  openNote,
  parseCheckpoint,
  parseNoteVerifierKey,
  signNote,
  verifyCheckpointNote,
  verifyNote,
} from '../src/index.js';
import { KEY1, KEY2, ORIGIN } from './helpers/ledger.js';
import { loadVectors } from './helpers/vectors.js';

interface NoteVector {
  signerKey: string;
  verifierKey: string;
  text: string;
  signedNote: string;
}

const go = loadVectors<NoteVector>('signed-note.json');

/** Go's signer key "PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>". */
function parseGoSignerKey(skey: string): { name: string; secretKey: Uint8Array } {
  const parts = skey.split('+');
  const raw = base64ToBytes(parts.slice(4).join('+')) as Uint8Array;
  return { name: parts[2] as string, secretKey: raw.subarray(1) };
}

function throwsFormat(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof FormatError && e.code === code);
}

const root8 = merkleRoot(Array.from({ length: 8 }, (_, i) => leafHash(String(i).repeat(64).slice(0, 64))));

describe('C2SP signed notes', () => {
  test("given the Go sumdb/note example key, when the text is signed, then the note equals Go's byte for byte and its verifier key too", () => {
    const signer = parseGoSignerKey(go.signerKey);
    assert.equal(signNote(go.text, signer), go.signedNote);
    assert.equal(noteVerifierKey(signer.name, ed25519.getPublicKey(signer.secretKey)), go.verifierKey);
    assert.equal(noteKeyId(signer.name, ed25519.getPublicKey(signer.secretKey)), 0xc74f20a3);
  });

  test('given the Go example note, when verified with its verifier key, then the text is returned; tampered or foreign notes are refused with their codes', () => {
    const key = parseNoteVerifierKey(go.verifierKey);
    assert.deepEqual(verifyNote(go.signedNote, key), { ok: true, text: go.text });
    const tampered = verifyNote(go.signedNote.replace('cryptography', 'cryptographY'), key);
    assert.equal(tampered.ok ? 'ok' : tampered.code, 'BAD_NOTE_SIGNATURE');
    const other = verifyNote(go.signedNote, parseNoteVerifierKey(noteVerifierKey('PeterNeumann', KEY2.publicKey)));
    assert.equal(other.ok ? 'ok' : other.code, 'NOTE_NOT_SIGNED_BY_KEY');
    for (const bad of [
      go.text,
      go.signedNote.slice(0, -1),
      go.signedNote.replace('\u2014', '-'),
      go.signedNote.replace('x08go', 'x08g!'),
      `${go.text}\n\u2014 PeterNeumann AAAA\n`,
      'a\u0000b\n\n',
    ]) {
      const r = verifyNote(bad, key);
      assert.equal(r.ok ? 'ok' : r.code, 'MALFORMED_NOTE', JSON.stringify(bad));
    }
  });

  test('given malformed verifier keys, when parsed, then they are refused with a FormatError', () => {
    throwsFormat(() => parseNoteVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), 'BAD_KEY');
    throwsFormat(() => parseNoteVerifierKey('PeterNeumann+c74f20a3+AhpcQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), 'BAD_KEY');
    throwsFormat(() => parseNoteVerifierKey('Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), 'MALFORMED_NOTE');
    throwsFormat(() => parseNoteVerifierKey('PeterNeumann+c74f20a3'), 'MALFORMED_NOTE');
    throwsFormat(() => signNote('no newline', { name: 'a', secretKey: KEY1.secretKey }), 'MALFORMED_NOTE');
    throwsFormat(() => signNote('x\n', { name: 'a+b', secretKey: KEY1.secretKey }), 'MALFORMED_NOTE');
  });
});

describe('C2SP tlog checkpoints', () => {
  test('given a checkpoint, when formatted and parsed, then it round-trips as "<origin>\\n<size>\\n<base64 root>\\n"', () => {
    const text = formatCheckpoint({ origin: ORIGIN, size: 8, rootHash: root8 });
    assert.equal(text, `${ORIGIN}\n8\n${bytesToBase64(root8)}\n`);
    const cp = parseCheckpoint(text);
    assert.equal(cp.origin, ORIGIN);
    assert.equal(cp.size, 8);
    assert.deepEqual(cp.rootHash, root8);
    assert.deepEqual(cp.extensions, []);
    assert.deepEqual(parseCheckpoint(`${text}ext one\n`).extensions, ['ext one']);
  });

  test('given malformed checkpoint bodies, when parsed, then each is MALFORMED_CHECKPOINT', () => {
    const b64 = bytesToBase64(root8);
    for (const bad of [
      `${ORIGIN}\n8\n${b64}`,
      `${ORIGIN}\n08\n${b64}\n`,
      `${ORIGIN}\n-1\n${b64}\n`,
      `${ORIGIN}\n99999999999999999\n${b64}\n`,
      `${ORIGIN}\n8\n${b64.slice(4)}\n`,
      `${ORIGIN}\n8\n${b64.replace('=', '')}\n`,
      `\n8\n${b64}\n`,
      `${ORIGIN}\n8\n`,
      `${ORIGIN}\n8\n${b64}\n\n`,
    ]) {
      throwsFormat(() => parseCheckpoint(bad), 'MALFORMED_CHECKPOINT');
    }
  });

  test('given a checkpoint note signed with the ledger key under its origin, when verified by key string or by name and key, then it parses; other origins and keys fail', () => {
    const note = signNote(formatCheckpoint({ origin: ORIGIN, size: 8, rootHash: root8 }), { name: ORIGIN, secretKey: KEY1.secretKey });
    const vkey = noteVerifierKey(ORIGIN, KEY1.publicKey);
    for (const key of [vkey, { name: ORIGIN, publicKey: KEY1.publicKey }]) {
      const r = verifyCheckpointNote(note, key);
      assert.ok(r.ok);
      assert.equal(r.checkpoint.size, 8);
      assert.deepEqual(r.checkpoint.rootHash, root8);
    }
    const wrongKey = verifyCheckpointNote(note, { name: ORIGIN, publicKey: KEY2.publicKey });
    assert.equal(wrongKey.ok ? 'ok' : wrongKey.code, 'NOTE_NOT_SIGNED_BY_KEY');
    const otherOrigin = signNote(formatCheckpoint({ origin: 'other.example/x', size: 8, rootHash: root8 }), {
      name: ORIGIN,
      secretKey: KEY1.secretKey,
    });
    const r = verifyCheckpointNote(otherOrigin, vkey);
    assert.equal(r.ok ? 'ok' : r.code, 'CHECKPOINT_ORIGIN_MISMATCH');
    const notCheckpoint = verifyCheckpointNote(signNote('hello\n', { name: ORIGIN, secretKey: KEY1.secretKey }), vkey);
    assert.equal(notCheckpoint.ok ? 'ok' : notCheckpoint.code, 'MALFORMED_CHECKPOINT');
    assert.equal(openNote(note).signatures.length, 1);
  });
});

/** Go and golang.org/x/mod/sumdb/note (test/go/notecheck), built once; skipped with a reason when unavailable. */
describe("Go's golang.org/x/mod/sumdb/note accepts ledger checkpoints", () => {
  const source = fileURLToPath(new URL('../../test/go/notecheck/', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'notecheck-'));
  const bin = join(dir, 'notecheck');
  let skipReason: string | undefined;

  before(() => {
    const goBin = [process.env['GO'], '/usr/local/go/bin/go'].find((p) => p && existsSync(p)) ?? 'go';
    const r = spawnSync(goBin, ['build', '-o', bin, '.'], { cwd: source, encoding: 'utf8', timeout: 300_000 });
    if (r.error || r.status !== 0) {
      skipReason = `Go or golang.org/x/mod unavailable (${r.error ? r.error.message : r.stderr.trim().split('\n').pop()})`;
      console.error(`# skipping Go interop tests: ${skipReason}`);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(bin, args, { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  test('given a ledger checkpoint note, when Go opens it with our verifier key, then it returns the checkpoint text; a changed root is refused', (t) => {
    if (skipReason) return t.skip(skipReason);
    const text = formatCheckpoint({ origin: ORIGIN, size: 8, rootHash: root8 });
    const note = signNote(text, { name: ORIGIN, secretKey: KEY1.secretKey });
    const file = join(dir, 'cp.note');
    writeFileSync(file, note);
    const vkey = noteVerifierKey(ORIGIN, KEY1.publicKey);
    const ok = run('verify', vkey, file);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, text);
    const other = root8.slice();
    other[0] = (other[0] as number) ^ 1;
    writeFileSync(file, note.replace(bytesToBase64(root8), bytesToBase64(other)));
    const bad = run('verify', vkey, file);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /verification failure|invalid signature/i);
  });

  test('given our key, when Go derives its verifier key and signs the same checkpoint, then both equal ours', (t) => {
    if (skipReason) return t.skip(skipReason);
    const vkey = noteVerifierKey(ORIGIN, KEY2.publicKey);
    assert.equal(run('vkey', ORIGIN, bytesToBase64(KEY2.publicKey)).stdout.trim(), vkey);
    const text = formatCheckpoint({ origin: ORIGIN, size: 123456, rootHash: root8 });
    const file = join(dir, 'cp.txt');
    writeFileSync(file, text);
    const skey = `PRIVATE+KEY+${vkey.split('+')[0]}+${vkey.split('+')[1]}+${bytesToBase64(Uint8Array.of(1, ...KEY2.secretKey))}`;
    const signed = run('sign', skey, file);
    assert.equal(signed.status, 0, signed.stderr);
    assert.equal(signed.stdout, signNote(text, { name: ORIGIN, secretKey: KEY2.secretKey }));
  });
});
