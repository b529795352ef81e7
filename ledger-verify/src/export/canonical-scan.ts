// The export verifier's fast path for lines written canonically: JSON.parse, then one scan of
// the text proving it is the RFC 8785 form of what was parsed (ledger profile) and cutting out
// the event's hashed text. Runs in the worker threads for every line; pure and synchronous.

import { isPlainObject } from '../envelope/fields.js';

/** Deeper values leave the fast path (the strict path then applies its own limits). */
const FAST_MAX_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** 2^53 - 1, the largest integer the ledger profile accepts, as 16 digits. */
const MAX_SAFE_DIGITS = '9007199254740991';

/** The first backslash at or after the scan's position (t.length when none): strings before it have no escapes. */
let nextBackslash = 0;

/**
 * Index just past the string at `i` (t[i] is '"'); -1 unless its text is exactly as RFC 8785
 * writes it (see scanEscaped). The text is known to be JSON without lone surrogates, so a
 * string without a backslash is canonical: it ends at the next quote.
 */
function scanString(t: string, i: number): number {
  const q = t.indexOf('"', i + 1);
  if (q < 0) return -1;
  return q < nextBackslash ? q + 1 : scanEscaped(t, i);
}

/**
 * scanString for a string with escapes: only \" \\ \b \t \n \f \r, and \u00XX in lowercase hex
 * for the other controls below U+0020 (so never an escaped surrogate, lone or not).
 */
function scanEscaped(t: string, i: number): number {
  for (let j = i + 1; j < t.length;) {
    const c = t.charCodeAt(j);
    if (c === QUOTE) {
      const b = t.indexOf('\\', j + 1);
      nextBackslash = b < 0 ? t.length : b;
      return j + 1;
    }
    if (c < 0x20) return -1; // JSON.parse refuses these already
    if (c !== BACKSLASH) {
      j++;
      continue;
    }
    const e = t.charCodeAt(j + 1);
    if (e === QUOTE || e === BACKSLASH || e === 0x62 || e === 0x74 || e === 0x6e || e === 0x66 || e === 0x72) {
      j += 2; // \" \\ \b \t \n \f \r
      continue;
    }
    if (e !== 0x75 || t.charCodeAt(j + 2) !== DIGIT_0 || t.charCodeAt(j + 3) !== DIGIT_0) return -1;
    const h = t.charCodeAt(j + 4);
    const l = t.charCodeAt(j + 5);
    const low = l >= DIGIT_0 && l <= DIGIT_9 ? l - DIGIT_0 : l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
    if ((h !== DIGIT_0 && h !== 0x31) || low < 0) return -1;
    const code = (h - DIGIT_0) * 16 + low;
    // \b \t \n \f \r have a short form, which is the canonical one.
    if (code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d) return -1;
    j += 6;
  }
  return -1;
}

/**
 * Index just past the number at `i` when its text is what Number::toString writes for it and,
 * if an integer, it is exact (|n| <= 2^53 - 1); -1 otherwise (also "-0").
 */
function scanNumber(t: string, i: number): number {
  let j = i;
  let c = t.charCodeAt(j);
  if (c === MINUS) c = t.charCodeAt(++j);
  const digits = j;
  while (c >= DIGIT_0 && c <= DIGIT_9) c = t.charCodeAt(++j);
  const n = j - digits; // integer digits: one at least, and no leading zero (JSON)
  const zero = t.charCodeAt(digits) === DIGIT_0;
  if (c !== 0x2e && c !== 0x65 && c !== 0x45) {
    // A plain integer: exact up to 2^53 - 1; "-0" is written "0".
    if (zero && digits > i) return -1;
    if (n < 16) return j;
    return n === 16 && t.slice(digits, j) <= MAX_SAFE_DIGITS ? j : -1;
  }
  if (c === 0x2e) {
    const point = j;
    c = t.charCodeAt(++j);
    while (c >= DIGIT_0 && c <= DIGIT_9) c = t.charCodeAt(++j);
    if (c !== 0x65 && c !== 0x45 && t.charCodeAt(j - 1) !== DIGIT_0) {
      // I.F without exponent or trailing zero, with at most 15 significant digits: such a
      // decimal is the only one of at most 15 digits that reads as its double, so it is
      // that double's shortest form; Number::toString writes it so when the point comes
      // after the first significant digit or no more than 5 zeros before it (up to 1e-6).
      if (!zero) {
        if (n + (j - point - 1) <= 15) return j;
      } else {
        let z = point + 1;
        while (t.charCodeAt(z) === DIGIT_0) z++;
        if (z - point - 1 <= 5 && j - z <= 15) return j;
      }
    }
  }
  // Anything else (exponents, long fractions) against Number::toString itself.
  while ((c >= DIGIT_0 && c <= DIGIT_9) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === MINUS) c = t.charCodeAt(++j);
  const token = t.slice(i, j);
  const v = Number(token);
  // Number::toString writes an integer below 10^21 without a fraction or exponent: an integer
  // spelled so here is at least 10^21, beyond the exact range.
  return String(v) === token && !Number.isInteger(v) ? j : -1;
}

/** Key [a, a + al) of `t` strictly before key [b, b + bl), by UTF-16 code units. */
function keyBefore(t: string, a: number, al: number, b: number, bl: number): boolean {
  const n = al < bl ? al : bl;
  for (let k = 0; k < n; k++) {
    const x = t.charCodeAt(a + k);
    const y = t.charCodeAt(b + k);
    if (x !== y) return x < y;
  }
  return al < bl;
}

/** The event's text without "hash" and "sig", set by scanObject for the event object. */
let hashedOut: string | undefined;

/**
 * Index just past the canonical value at `i` (a container at `i` is at nesting `depth`); -1 on
 * anything not canonical.
 */
function scanValue(t: string, i: number, depth: number): number {
  const c = t.charCodeAt(i);
  if (c === QUOTE) return scanString(t, i);
  if (c === OPEN_OBJECT) return scanObject(t, i, depth, false);
  if (c === OPEN_ARRAY) {
    if (depth >= FAST_MAX_DEPTH) return -1;
    if (t.charCodeAt(i + 1) === CLOSE_ARRAY) return i + 2;
    for (let j = i + 1; ;) {
      j = scanValue(t, j, depth + 1);
      if (j < 0) return -1;
      const d = t.charCodeAt(j);
      if (d === CLOSE_ARRAY) return j + 1;
      if (d !== COMMA) return -1;
      j++;
    }
  }
  if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) return scanNumber(t, i);
  // true, false, null: JSON.parse read the text, so the word is whole.
  if (c === 0x74 || c === 0x6e) return i + 4;
  return c === 0x66 ? i + 5 : -1;
}

/**
 * Index just past the canonical object at `i` (t[i] is '{'): keys strictly ascending by UTF-16
 * code units (compared on the text, or decoded when a key has escapes), never "__proto__".
 * `top`: the line object, whose "event" member's object is scanned with `event` set, which
 * leaves that object's text without its "hash" and "sig" members in hashedOut.
 */
function scanObject(t: string, i: number, depth: number, top: boolean, event = false): number {
  if (t.charCodeAt(i) !== OPEN_OBJECT || depth >= FAST_MAX_DEPTH) return -1;
  if (t.charCodeAt(i + 1) === CLOSE_OBJECT) {
    if (event) hashedOut = '{}';
    return i + 2;
  }
  let previous = -1; // the previous key's text (without quotes) starts here
  let previousLength = 0;
  let previousKey: string | undefined; // the previous key when it has escapes (decoded)
  let out = '{';
  let runStart = -1; // the event's kept members, a run of consecutive ones as one slice
  let runEnd = -1;
  for (let j = i + 1; ;) {
    if (t.charCodeAt(j) !== QUOTE) return -1;
    const backslash = nextBackslash;
    const keyEnd = scanString(t, j);
    if (keyEnd < 0 || t.charCodeAt(keyEnd) !== COLON) return -1;
    const key = j + 1;
    const keyLength = keyEnd - 1 - key;
    if (backslash < keyEnd) {
      // A key with escapes (rare): compared decoded. RFC 8785 escapes only stand for controls,
      // quotes and backslashes, so it is none of the names looked for below.
      const k = JSON.parse(t.slice(j, keyEnd)) as string;
      if (previous >= 0 && !((previousKey ?? t.slice(previous, previous + previousLength)) < k)) return -1;
      previousKey = k;
    } else {
      if (previous >= 0) {
        if (previousKey === undefined ? !keyBefore(t, previous, previousLength, key, keyLength) : !(previousKey < t.slice(key, keyEnd - 1)))
          return -1;
      }
      if (keyLength === 9 && t.startsWith('__proto__', key)) return -1;
      previousKey = undefined;
    }
    const inEvent = top && keyLength === 5 && t.startsWith('event', key);
    const valueEnd = inEvent ? scanObject(t, keyEnd + 1, depth + 1, false, true) : scanValue(t, keyEnd + 1, depth + 1);
    if (valueEnd < 0) return -1;
    if (event) {
      const dropped = (keyLength === 4 && t.startsWith('hash', key)) || (keyLength === 3 && t.startsWith('sig', key));
      if (!dropped) {
        if (runStart < 0) runStart = j;
        runEnd = valueEnd;
      } else if (runStart >= 0) {
        out += out.length === 1 ? t.slice(runStart, runEnd) : `,${t.slice(runStart, runEnd)}`;
        runStart = -1;
      }
    }
    previous = key;
    previousLength = keyLength;
    const d = t.charCodeAt(valueEnd);
    if (d === CLOSE_OBJECT) {
      if (event) {
        if (runStart >= 0) out += out.length === 1 ? t.slice(runStart, runEnd) : `,${t.slice(runStart, runEnd)}`;
        hashedOut = `${out}}`;
      }
      return valueEnd + 1;
    }
    if (d !== COMMA) return -1;
    j = valueEnd + 1;
  }
}

/**
 * Fast path for lines written as the format requires (canonical JSON): JSON.parse (which proves
 * the text is JSON and gives the value), then ONE left-to-right scan of the text, following the
 * JSON grammar, that proves the text is exactly the RFC 8785 serialization of that value under
 * the ledger profile, without serializing anything:
 * - the scan expects the next structural character at once, so any whitespace outside strings
 *   is refused;
 * - strings use only RFC 8785's escapes (\" \\ \b \t \n \f \r, \u00XX in lowercase hex for the
 *   other controls): no \/, no \u for anything else (so no escaped surrogate, lone or paired);
 *   raw surrogates only in pairs (text.isWellFormed(), I-JSON). Strings before the next
 *   backslash of the line need no look at their characters: they end at the next quote;
 * - each number is spelled as Number::toString writes it: plain integers and plain decimals of
 *   at most 15 significant digits are checked on their digits (no leading zero, no "-0", no
 *   trailing zero of a fraction, integers at most 2^53 - 1: the ledger profile), anything else
 *   against String(Number(text)), refusing integers (at least 10^21 when spelled so);
 * - in every object the keys are strictly ascending by UTF-16 code units, compared on the text
 *   (decoded when a key has escapes): RFC 8785 order, which also rules out duplicate names
 *   (JSON.parse keeps one) and does not depend on the engine's order of the parsed object
 *   (integer-like keys come first there); no "__proto__" key; nesting at most FAST_MAX_DEPTH;
 * - the line is an object whose "event" member is an object.
 * The same scan finds the members of the event object: since the line is canonical, the event
 * hash's input (the event without "hash" and "sig", canonical) is the event's own text with
 * those two members cut out, built from runs of the kept members' text.
 * Undefined for anything else, or on any doubt: the strict path decides.
 * test/export-fast*.test.ts prove both paths agree, both ways.
 */
export function canonicalLine(text: string): { raw: Record<string, unknown>; hashed: string } | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(raw) || !isPlainObject(raw['event'])) return undefined;
  // No lone surrogate anywhere (I-JSON); instant for text without any surrogate (one-byte text).
  if (!text.isWellFormed()) return undefined;
  const backslash = text.indexOf('\\');
  nextBackslash = backslash < 0 ? text.length : backslash;
  hashedOut = undefined;
  const end = scanObject(text, 0, 0, true);
  const hashed = hashedOut;
  hashedOut = undefined;
  return end === text.length && hashed !== undefined ? { raw, hashed } : undefined;
}
