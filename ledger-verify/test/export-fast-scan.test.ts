// canonicalLine proves a line canonical with one scan of its text (src/export/canonical-scan.ts).
// Lines here are written by a noisy JSON writer: mostly canonical, with occasional whitespace,
// other escape spellings, other number spellings, keys out of order or repeated, integer-like
// and escaped keys, "__proto__", deep nesting, and "hash"/"sig" members anywhere. The property,
// both ways: a line the fast path takes is exactly canonicalize(parseJsonStrict(line)) with the
// strict hashed text; and a canonical line the fast path may take (no "__proto__", nesting at
// most 32) IS taken (no silent fallback).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalLine } from '../src/export/canonical-scan.js';
import { parseJsonStrict } from '../src/json-strict.js';
import { canonicalize, canonicalizeWithout } from '../src/jcs.js';
import { rng } from './helpers/random.js';

const NOT_HASHED = new Set(['hash', 'sig']);
const SPACES = [' ', '\t', '\n', '\r'];
const KEYS = [
  'hash',
  'sig',
  'event',
  'data',
  'a',
  'b',
  '',
  '1',
  '10',
  '2',
  'é',
  '\ue000',
  '𝄞',
  'a"b',
  'a\\b',
  '\n',
  '\u0001',
  'ha',
  'hash2',
  'sig\u0000',
];
const CHARS = [
  'a',
  'Z',
  '/',
  '"',
  '\\',
  '\b',
  '\t',
  '\n',
  '\f',
  '\r',
  '\u0000',
  '\u001f',
  '\u007f',
  'é',
  '\u2028',
  '𝄞',
  '\uffff',
  ' ',
  'u',
  '0',
];
const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];
/** Number spellings, canonical and not (the strict path tells which). */
const NUMBERS = [
  ...['0', '-0', '0.0', '-0.0', '1', '1.0', '1e0', '1E0', '1e+0', '01', '100', '1e2', '1E2', '1e+2', '-1', '-1.5', '1.5', '1.50'],
  ...['0.1', '0.10', '1e-1', '0.95', '0.001', '0.000001', '0.0000015', '1e-6', '1e-7', '1E-7', '0.0000001', '0.00000015', '1.5e-7'],
  ...['1e21', '1e+21', '1E+21', '1000000000000000000000', '1e+20', '100000000000000000000', '123456789012345680000'],
  ...['9007199254740991', '-9007199254740991', '9007199254740992', '-9007199254740992', '9007199254740993', '9999999999999999'],
  ...['123456789012345', '1234567890123456', '0.30000000000000004', '0.3000000000000000444', '0.123456789012345', '0.1234567890123456'],
  ...['1.7976931348623157e+308', '1e400', '5e-324', '1e-300', '1.5e+300', '123.456', '123456789012.5', '1.0000000000000002'],
];

function isCanonicalNumber(token: string): boolean {
  const v = Number(token);
  return String(v) === token && (!Number.isInteger(v) || Number.isSafeInteger(v));
}
const CANONICAL_NUMBERS = NUMBERS.filter(isCanonicalNumber);

/**
 * A number token: with probability `wild` any spelling of a random double (Number::toString
 * or another of its forms) or of the list; else a canonical one.
 */
function numberToken(r: () => number, wild = 1): string {
  const any = r() < wild;
  if (r() < 0.4)
    return (any ? NUMBERS[Math.floor(r() * NUMBERS.length)] : CANONICAL_NUMBERS[Math.floor(r() * CANONICAL_NUMBERS.length)]) as string;
  const x = (r() < 0.5 ? -1 : 1) * r() * 10 ** Math.floor(r() * 30 - 12);
  const y = r() < 0.3 ? Math.round(x) : x;
  const p = r();
  if (!any) return Number.isSafeInteger(y) || !Number.isInteger(y) ? String(y) : String(y / 1024 + 0.5);
  if (p < 0.4) return String(y);
  if (p < 0.7) return y.toPrecision(1 + Math.floor(r() * 17));
  if (p < 0.85) return y.toFixed(Math.floor(r() * 12));
  return y.toExponential(Math.floor(r() * 17));
}

function hex4(c: number, upper: boolean): string {
  const h = c.toString(16).padStart(4, '0');
  return upper ? h.toUpperCase() : h;
}

/** A string's JSON text: RFC 8785 escapes, or now and then another spelling of a character. */
function writeString(s: string, r: () => number, noise: number): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const canonical = JSON.stringify(s[i]).slice(1, -1);
    if (r() >= noise) out += c >= 0xd800 && c <= 0xdfff ? s[i] : canonical;
    else if (c === 0x2f) out += '\\/';
    else out += `\\u${hex4(c, r() < 0.5)}`;
  }
  return `${out}"`;
}

function randomText(r: () => number, noise: number): string {
  let s = '';
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) s += r() < 0.6 ? (CHARS[Math.floor(r() * CHARS.length)] as string) : 'hash';
  if (r() < noise) s += LONE_SURROGATES[Math.floor(r() * LONE_SURROGATES.length)] as string;
  return s;
}

/** A noisy JSON writer: `noise` is the chance of each non-canonical choice. */
class Writer {
  constructor(
    private readonly r: () => number,
    readonly noise: number,
  ) {}

  private space(): string {
    return this.r() < this.noise ? (SPACES[Math.floor(this.r() * SPACES.length)] as string) : '';
  }

  value(depth: number): string {
    const r = this.r;
    const k = r();
    if (depth > 4 || k < 0.45) {
      const p = r();
      if (p < 0.35) return writeString(randomText(r, this.noise), r, this.noise);
      if (p < 0.7) return numberToken(r, this.noise * 10);
      return ['true', 'false', 'null'][Math.floor(r() * 3)] as string;
    }
    if (k < 0.6) return this.array(Array.from({ length: Math.floor(r() * 4) }, () => this.value(depth + 1)));
    const members: [string, string][] = [];
    const n = Math.floor(r() * 5);
    for (let i = 0; i < n; i++)
      members.push([r() < 0.7 ? (KEYS[Math.floor(r() * KEYS.length)] as string) : randomText(r, this.noise), this.value(depth + 1)]);
    return this.object(members);
  }

  array(items: readonly string[]): string {
    return `[${this.space()}${items.join(`${this.space()},${this.space()}`)}${this.space()}]`;
  }

  /** Members sorted by UTF-16 code units and unique, unless the noise says otherwise. */
  object(members: [string, string][]): string {
    const r = this.r;
    let list = r() < this.noise ? [...members, ['__proto__', '{}'] as [string, string]] : members;
    if (r() >= this.noise * 4) list = [...new Map(members).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const parts = list.map(
      ([key, v]) => `${this.space()}${writeString(key, r, this.noise)}${this.space()}:${this.space()}${v}${this.space()}`,
    );
    return `${this.space()}{${parts.join(',')}}${this.space()}`;
  }

  /** An export line: the event with hash, sig and random members, then leaf and position. */
  line(): string {
    const r = this.r;
    const event: [string, string][] = [['id', writeString('019b76da', r, this.noise)]];
    if (r() < 0.8) event.push(['hash', writeString('7bb3cd34', r, this.noise)]);
    if (r() < 0.8)
      event.push([
        'sig',
        this.object([
          ['kid', '"k1"'],
          ['val', writeString('F2kt', r, this.noise)],
        ]),
      ]);
    const extra = Math.floor(r() * 4);
    for (let i = 0; i < extra; i++)
      event.push([r() < 0.7 ? (KEYS[Math.floor(r() * KEYS.length)] as string) : randomText(r, this.noise), this.value(1)]);
    event.push(['data', this.value(1)]);
    const line: [string, string][] = [
      ['event', this.object(event)],
      ['leaf', numberToken(r, this.noise * 10)],
      ['position', r() < 0.8 ? '1' : numberToken(r, this.noise * 10)],
    ];
    if (r() < 0.2) line.push([r() < 0.5 ? 'zz' : randomText(r, this.noise), this.value(1)]);
    return this.object(line);
  }
}

function depthOf(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  let d = 0;
  for (const x of Object.values(v)) d = Math.max(d, depthOf(x));
  return d + 1;
}

/** The strict verdict: the parsed line when the text is its canonical form, else undefined. */
function strictCanonical(text: string): { event: object } | undefined {
  try {
    const parsed = parseJsonStrict(text) as { event: object };
    return canonicalize(parsed) === text ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Checks one line both ways; 'fast' when the fast path took it, 'strict' when it left it. */
function agree(text: string): 'fast' | 'strict' {
  const fast = canonicalLine(text);
  const strict = strictCanonical(text);
  if (fast) {
    assert.ok(strict, `fast path took a line that is not canonical: ${text}`);
    assert.deepEqual(fast.raw, strict, text);
    assert.equal(fast.hashed, canonicalizeWithout(strict.event, NOT_HASHED), text);
    return 'fast';
  }
  const eligible =
    strict !== undefined &&
    typeof strict.event === 'object' &&
    strict.event !== null &&
    !Array.isArray(strict.event) &&
    !text.includes('"__proto__"') &&
    depthOf(strict) <= 32;
  assert.ok(!eligible, `canonical line left to the strict path: ${text}`);
  return 'strict';
}

describe('canonical line fast path: the one-scan proof against the strict path', () => {
  test('takes every line of the writer without noise (3,000 canonical lines)', () => {
    const w = new Writer(rng(0x5ca1), 0);
    for (let i = 0; i < 3000; i++) assert.equal(agree(w.line()), 'fast');
  });

  for (const [noise, seed] of [
    [0.003, 0x5ca2],
    [0.01, 0x5ca3],
  ] as const) {
    test(`agrees both ways on 5,000 lines of a noisy writer (noise ${noise})`, () => {
      const w = new Writer(rng(seed), noise);
      const counts = { fast: 0, strict: 0 };
      for (let i = 0; i < 5000; i++) counts[agree(w.line())]++;
      // Both kinds occur: lines that are canonical and taken, and lines that are not.
      assert.ok(counts.fast > 500, `only ${counts.fast} lines taken`);
      assert.ok(counts.strict > 500, `only ${counts.strict} lines left to the strict path`);
    });
  }

  test('every number spelling: taken exactly when Number::toString writes it and it is exact', () => {
    const r = rng(0x5ca4);
    const tokens = [...NUMBERS, ...Array.from({ length: 3000 }, () => numberToken(r))];
    let taken = 0;
    for (const token of tokens) {
      const text = `{"event":{"data":${token},"hash":"h"},"leaf":[${token}]}`;
      if (agree(text) === 'fast') taken++;
      assert.equal(canonicalLine(text) !== undefined, isCanonicalNumber(token), token);
    }
    assert.ok(taken > 1000, `only ${taken} number spellings taken`);
  });

  test('every escape spelling of every code unit below U+0080, in values and in keys', () => {
    for (let c = 0; c < 0x80; c++) {
      const ch = String.fromCharCode(c);
      const spellings = new Set([JSON.stringify(ch).slice(1, -1), `\\u${hex4(c, false)}`, `\\u${hex4(c, true)}`]);
      if (c === 0x2f) spellings.add('\\/');
      for (const spelling of spellings) {
        if (c < 0x20 && spelling === ch) continue; // a raw control character is not JSON
        const canonical = spelling === JSON.stringify(ch).slice(1, -1);
        for (const text of [`{"event":{"a":"x${spelling}y"}}`, `{"event":{"x${spelling}y":1}}`]) {
          assert.equal(agree(text), canonical ? 'fast' : 'strict', text);
        }
      }
    }
  });

  test('surrogates: pairs as text are taken; lone ones and escaped ones are not', () => {
    assert.equal(agree('{"event":{"a":"𝄞"},"𝄞":"\ud83d\ude00"}'), 'fast');
    for (const s of ['\ud800', '\udc00', 'a\ud800b', '\udd1e\ud834', '\\ud834\\udd1e', '\\ud800', '\\uD834\\uDD1E']) {
      assert.equal(agree(`{"event":{"a":"${s}"}}`), 'strict', s);
      assert.equal(agree(`{"event":{"${s}":1}}`), 'strict', s);
    }
  });

  test('keys: UTF-16 order (not code point order), integer-like keys, escaped keys, duplicates, __proto__', () => {
    const taken = [
      '{"event":{"1":1,"10":2,"2":3}}',
      '{"event":{"𝄞":1,"\ue000":2}}',
      '{"event":{"":0,"\\u0000":1,"\\u0001a":2,"\\u0001b":3,"\\"":4,"\\\\":5,"a":6}}',
      '{"event":{"a":1,"a\\"":2,"a\\\\":3,"ab":4}}',
      '{"event":{"hash":{"hash":1,"sig":2},"sig":"hash"}}',
    ];
    for (const text of taken) assert.equal(agree(text), 'fast', text);
    const refused = [
      '{"event":{"10":2,"1":1,"2":3}}',
      '{"event":{"\ue000":2,"𝄞":1}}',
      '{"event":{"a":1,"a":1}}',
      '{"event":{"a\\"":2,"a":1}}',
      '{"event":{"\\\\":5,"\\"":4}}',
      '{"event":{"a":1},"event":{"a":1}}',
      '{"event":{"a":{"b":1,"b":2}}}',
      '{"event":{"__proto__":{}}}',
      '{"event":{"a":[{"__proto__":1}]}}',
    ];
    for (const text of refused) assert.equal(canonicalLine(text), undefined, text);
  });

  test('nesting: 31 and 32 levels are taken, 33 are left to the strict path', () => {
    for (const [levels, expected] of [
      [31, 'fast'],
      [32, 'fast'],
      [33, 'strict'],
    ] as const) {
      // The line and the event are two levels; the rest are arrays or objects in data.
      const inner = levels - 2;
      for (const open of ['[', '{"a":']) {
        const close = open === '[' ? ']' : '}';
        const text = `{"event":{"data":${open.repeat(inner - 1)}${open === '[' ? '[]' : '{}'}${close.repeat(inner - 1)}}}`;
        assert.equal(depthOf(JSON.parse(text)), levels);
        assert.equal(canonicalLine(text) !== undefined, expected === 'fast', `${levels} ${open}`);
        agree(text);
      }
    }
  });

  test('whitespace anywhere outside strings is refused; inside strings it is text', () => {
    const text = '{"event":{"a":[1,{"b":"c d"},true,null],"hash":"h","sig":{"v":0.5}},"leaf":1}';
    assert.equal(agree(text), 'fast');
    for (let i = 0; i <= text.length; i++) {
      for (const space of SPACES) {
        const changed = text.slice(0, i) + space + text.slice(i);
        agree(changed);
      }
    }
  });

  test('the top level: an object whose "event" is an object', () => {
    for (const text of ['[]', '1', '"event"', '{"event":[]}', '{"event":"x"}', '{"event":null}', '{"a":{"event":{}}}', '{}']) {
      assert.equal(canonicalLine(text), undefined, text);
    }
  });
});
