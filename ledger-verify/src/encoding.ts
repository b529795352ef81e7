// Strict codecs for untrusted input. Platform decoders (Buffer, atob) silently skip invalid
// characters and ignore non-zero trailing bits, so two encodings could name the same bytes.

const HEX_DIGITS = '0123456789abcdef';
const BYTE_TO_HEX: string[] = Array.from({ length: 256 }, (_, i) => (HEX_DIGITS[i >> 4] ?? '') + (HEX_DIGITS[i & 15] ?? ''));

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_HEX[bytes[i] as number];
  return out;
}

function hexNibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

interface NativeBuffer {
  from(text: string, encoding: 'hex' | 'base64url'): Uint8Array;
}
/** node's Buffer, used only on text the strict checks below have accepted (it would accept more). */
const nativeBuffer: NativeBuffer | undefined = (() => {
  const B = (globalThis as { Buffer?: NativeBuffer }).Buffer;
  return typeof B?.from === 'function' ? B : undefined;
})();

/** A plain Uint8Array with its own buffer (Buffer.from may return a slice of a shared pool). */
function plain(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}

/** Lowercase hex only; returns undefined for anything else (odd length, uppercase, other characters). */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0) return undefined;
  if (nativeBuffer && hex.length >= 32) return isLowerHex(hex, hex.length) ? plain(nativeBuffer.from(hex, 'hex')) : undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i));
    const lo = hexNibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/**
 * Decodes text that a strict check has already accepted (lowercase hex, or strict base64url), for
 * hot paths after validation: native where Buffer exists, without checking again or copying (the
 * result may be a view of Buffer's shared pool: read it, copy it, never transfer it).
 */
export function decodeChecked(text: string, encoding: 'hex' | 'base64url'): Uint8Array {
  if (nativeBuffer) return nativeBuffer.from(text, encoding);
  const out = encoding === 'hex' ? hexToBytes(text) : base64urlToBytes(text);
  if (out === undefined) throw new TypeError(`decodeChecked: the text is not strict ${encoding}`);
  return out;
}

/** True for exactly `length` lowercase hex characters. */
export function isLowerHex(value: unknown, length: number): value is string {
  if (typeof value !== 'string' || value.length !== length) return false;
  for (let i = 0; i < length; i++) if (hexNibble(value.charCodeAt(i)) < 0) return false;
  return true;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64URL.length; i++) B64URL_INDEX[B64URL.charCodeAt(i)] = i;

/** RFC 4648 section 5, without padding. */
export function bytesToBase64url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]!;
  }
  return out;
}

function sextet(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? (B64URL_INDEX[c] as number) : -1;
}

/**
 * Strict base64url without padding: only the URL-safe alphabet, no '=', no whitespace, and the
 * unused trailing bits must be zero (so every byte string has exactly one accepted encoding).
 * Returns undefined when the text is not such an encoding.
 */
export function base64urlToBytes(text: string): Uint8Array | undefined {
  const rest = text.length % 4;
  if (rest === 1) return undefined;
  if (nativeBuffer && text.length >= 32) return isStrictBase64url(text, rest) ? plain(nativeBuffer.from(text, 'base64url')) : undefined;
  const out = new Uint8Array(((text.length - rest) / 4) * 3 + (rest === 0 ? 0 : rest - 1));
  let o = 0;
  let i = 0;
  for (; i + 3 < text.length; i += 4) {
    const a = sextet(text, i),
      b = sextet(text, i + 1),
      c = sextet(text, i + 2),
      d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  if (rest === 2) {
    const a = sextet(text, i),
      b = sextet(text, i + 1);
    if ((a | b) < 0 || (b & 15) !== 0) return undefined;
    out[o] = (a << 2) | (b >> 4);
  } else if (rest === 3) {
    const a = sextet(text, i),
      b = sextet(text, i + 1),
      c = sextet(text, i + 2);
    if ((a | b | c) < 0 || (c & 3) !== 0) return undefined;
    out[o++] = (a << 2) | (b >> 4);
    out[o] = ((b & 15) << 4) | (c >> 2);
  }
  return out;
}

/** The alphabet only, and zero trailing bits (what the decoder below accepts). */
function isStrictBase64url(text: string, rest: number): boolean {
  for (let i = 0; i < text.length; i++) if (sextet(text, i) < 0) return false;
  if (rest === 2) return (sextet(text, text.length - 1) & 15) === 0;
  if (rest === 3) return (sextet(text, text.length - 1) & 3) === 0;
  return true;
}

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/** RFC 4648 section 4 (standard alphabet, '=' padding), as C2SP notes and checkpoints use. */
export function bytesToBase64(bytes: Uint8Array): string {
  const url = bytesToBase64url(bytes).replace(/-/g, '+').replace(/_/g, '/');
  return url + '='.repeat((4 - (url.length % 4)) % 4);
}

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Strict standard base64 with padding: the standard alphabet only, padding to a multiple of 4,
 * no whitespace, zero unused trailing bits. Returns undefined for anything else.
 */
export function base64ToBytes(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || !STD_BASE64.test(text)) return undefined;
  return base64urlToBytes(text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
}

interface BufferView {
  indexOf(value: Uint8Array | number, byteOffset: number): number;
}
type BufferFrom = (buffer: ArrayBufferLike, byteOffset: number, length: number) => BufferView;
const bufferFrom: BufferFrom | undefined = (() => {
  const B = (globalThis as { Buffer?: { from?: BufferFrom } }).Buffer;
  return typeof B?.from === 'function' ? (B.from.bind(B) as BufferFrom) : undefined;
})();

/**
 * `bytes` searchable by byte value: a Buffer view where Buffer exists (its indexOf is a native
 * memchr, several times faster than Uint8Array#indexOf), else the array itself.
 */
export function byteSearch(bytes: Uint8Array): { indexOf(value: number, from: number): number } {
  return bufferFrom ? bufferFrom(bytes.buffer, bytes.byteOffset, bytes.length) : bytes;
}

/** Index of the first occurrence of `needle` (non-empty) in `haystack` at or after `from`, or -1 (native search where Buffer exists). */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  if (bufferFrom)
    return from >= haystack.length ? -1 : bufferFrom(haystack.buffer, haystack.byteOffset, haystack.length).indexOf(needle, from);
  const first = needle[0] as number;
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
