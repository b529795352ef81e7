// Formats of the envelope's fields (docs/ledger-format.md section 2). Predicates only: the
// parsers decide which error to raise.
import { base64urlToBytes, isLowerHex } from '../encoding.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ORIGIN = /^[\x21-\x7e]{1,255}$/;
const STREAM = /^[a-z][a-z0-9]{0,31}-[A-Za-z0-9._:-]{1,200}$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.]{0,127}$/;
const ACTOR_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
// eslint-disable-next-line no-control-regex
const META_ID = /^[^\u0000-\u001f\u007f]{1,128}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const ACTOR_KINDS: ReadonlySet<string> = new Set(['user', 'service', 'worker', 'system']);

export const isUuidV7 = (v: unknown): v is string => typeof v === 'string' && UUID_V7.test(v);
/** Printable ASCII without spaces, 1-255 characters (it ends lines of signed statements). */
export const isOrigin = (v: unknown): v is string => typeof v === 'string' && ORIGIN.test(v);
export const isStreamName = (v: unknown): v is string => typeof v === 'string' && STREAM.test(v);
export const isEventType = (v: unknown): v is string => typeof v === 'string' && EVENT_TYPE.test(v);
export const isActorId = (v: unknown): v is string => typeof v === 'string' && ACTOR_ID.test(v);
export const isMetaId = (v: unknown): v is string => typeof v === 'string' && META_ID.test(v) && v.isWellFormed();
export const isHash = (v: unknown): v is string => isLowerHex(v, 64);
export const isKid = (v: unknown): v is string => isLowerHex(v, 32);
export const isRevision = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
export const isSchemaVersion = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const digits = (v: string, at: number, n: number): number => {
  let x = 0;
  for (let i = at; i < at + n; i++) x = x * 10 + v.charCodeAt(i) - 48;
  return x;
};

/**
 * RFC 3339 UTC with exactly three fraction digits, naming a real instant: what Date#toISOString
 * writes for years 0-9999 (a real calendar date, hours 00-23, minutes and seconds 00-59).
 * Checked by arithmetic on the digits the pattern matched (the writer checks each event's time
 * twice; equal to the Date round trip on every input: tested).
 */
export function isTimestamp(v: unknown): v is string {
  if (typeof v !== 'string' || !TIMESTAMP.test(v)) return false;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 2);
  const day = digits(v, 8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return false;
  return digits(v, 11, 2) <= 23 && digits(v, 14, 2) <= 59 && digits(v, 17, 2) <= 59;
}

/** Strict base64url of exactly `length` bytes. */
export function isBase64urlOfLength(v: unknown, length: number): v is string {
  if (length === 64) return typeof v === 'string' && SIGNATURE_B64URL.test(v);
  return typeof v === 'string' && base64urlToBytes(v)?.length === length;
}

/** 64 bytes in strict base64url: 86 characters, the last one with its 4 unused bits zero. */
const SIGNATURE_B64URL = /^[A-Za-z0-9_-]{85}[AQgw]$/;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
