import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { InputError, listTarGz, tarGzEntry } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-verify-tar-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** One ustar header block (a test writer, independent of the reader under test). */
function header(name: string, size: number, type = '0'): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0' + '00', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

function entry(name: string, body: Buffer | string, type = '0'): Buffer {
  const data = Buffer.from(body);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header(name, data.length, type), data, pad]);
}

function pax(path: string): Buffer {
  const rec = (len: number): string => `${len} path=${path}\n`;
  let len = rec(0).length;
  while (rec(len).length !== len) len = rec(len).length;
  return entry('PaxHeader', rec(len), 'x');
}

function tgz(...parts: Buffer[]): string {
  const path = join(dir, `a${n++}.tar.gz`);
  writeFileSync(path, gzipSync(Buffer.concat([...parts, Buffer.alloc(1024)])));
  return path;
}

async function read(path: string, name: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const c of tarGzEntry(path, name)) chunks.push(Uint8Array.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

describe('the minimal .tar.gz reader', () => {
  test('given ustar entries, a directory, "./" names and a pax long name, when read, then each regular file streams back intact', async () => {
    const big = 'x'.repeat(700_000);
    const long = `${'d'.repeat(120)}.ndjson`;
    const path = tgz(
      entry('./', '', '5'),
      entry('./manifest.json', '{"a":1}\n'),
      entry('events.ndjson', big),
      pax(long),
      entry('ignored-short-name', 'long one'),
    );
    assert.equal(await read(path, 'manifest.json'), '{"a":1}\n');
    assert.equal(await read(path, 'events.ndjson'), big);
    assert.equal(await read(path, long), 'long one');
    assert.deepEqual(
      (await listTarGz(path)).map((e) => [e.name, e.size]),
      [
        ['manifest.json', 8],
        ['events.ndjson', 700_000],
        [long, 8],
      ],
    );
  });

  test('given a missing entry, a symlink, a bad checksum or a cut archive, when read, then an InputError names the problem', async () => {
    const cases: [string, RegExp][] = [
      [tgz(entry('manifest.json', '{}')), /has no events\.ndjson/],
      [tgz(entry('events.ndjson', 'target', '2')), /not a regular file/],
      [tgz(Buffer.concat([entry('events.ndjson', 'abc')]).fill(0x41, 148, 150)), /bad checksum/],
    ];
    const whole = gzipSync(Buffer.concat([entry('events.ndjson', 'y'.repeat(5000))]));
    const cut = join(dir, `cut${n++}.tar.gz`);
    writeFileSync(cut, whole.subarray(0, whole.length - 30));
    cases.push([cut, /gzip stream ends early \(truncated file\?\)/]);
    for (const [path, message] of cases) {
      await assert.rejects(read(path, 'events.ndjson'), (e: unknown) => e instanceof InputError && message.test(e.message));
    }
  });

  test('given an entry read to its end, one left early or a corrupt archive, when done, then the archive file is closed (no FileHandle left to the GC: DEP0137)', async (t) => {
    if (!existsSync('/proc/self/fd')) return t.skip('needs /proc/self/fd (Linux) to list open files');
    const path = tgz(entry('manifest.json', '{"a":1}\n'), entry('events.ndjson', 'z'.repeat(3_000_000)), entry('after', 'x'));
    const openOn = (p: string): number =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === p;
        } catch {
          return false;
        }
      }).length;
    assert.equal(await read(path, 'manifest.json'), '{"a":1}\n');
    assert.equal(openOn(path), 0, 'after reading the first entry to its end');
    for await (const _ of tarGzEntry(path, 'events.ndjson')) break;
    assert.equal(openOn(path), 0, 'after stopping early in a large entry');
    await assert.rejects(read(path, 'missing'), InputError);
    assert.equal(openOn(path), 0, 'after a missing entry');
    const cut = join(dir, `cut${n++}.tar.gz`);
    const whole = gzipSync(Buffer.concat([entry('events.ndjson', 'y'.repeat(300_000))]));
    writeFileSync(cut, whole.subarray(0, whole.length - 30));
    await assert.rejects(read(cut, 'events.ndjson'), InputError);
    assert.equal(openOn(cut), 0, 'after a truncated archive');
  });
});
