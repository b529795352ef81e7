import { FormatError, jsonPointer } from './errors.js';

/** Deeper values are refused rather than risking a stack overflow on hostile input. */
export const MAX_DEPTH = 128;

interface Walk {
  /** Ledger profile: integers must be exact (|n| <= 2^53 - 1). RFC 8785 alone allows any finite double. */
  readonly safeIntegers: boolean;
  /** Property names of the path being serialized (for error pointers). */
  readonly path: (string | number)[];
  /** Objects and arrays being serialized (cycle detection). */
  readonly ancestors: object[];
}

function fail(walk: Walk, message: string): never {
  throw new FormatError('NOT_I_JSON', message, jsonPointer(walk.path));
}

/**
 * RFC 8785 serialization of a number: ECMAScript Number::toString, which `String()` implements.
 * `-0` serializes as `0`. Only finite numbers have a JSON form.
 */
export function serializeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new FormatError('NOT_I_JSON', `${String(n)} is not a JSON number`);
  return String(n);
}

function number(n: number, walk: Walk): string {
  if (!Number.isFinite(n)) fail(walk, `${String(n)} is not a JSON number`);
  if (walk.safeIntegers && Number.isInteger(n) && !Number.isSafeInteger(n)) {
    fail(walk, `integer ${String(n)} is outside the exact range ±(2^53-1): send it as a string`);
  }
  return String(n);
}

function string(s: string, walk: Walk): string {
  if (!s.isWellFormed()) fail(walk, 'string contains a lone UTF-16 surrogate');
  // JSON.stringify escapes exactly as RFC 8785 section 3.2.2.2 requires for well-formed strings.
  return JSON.stringify(s);
}

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function value(v: unknown, walk: Walk): string {
  switch (typeof v) {
    case 'string':
      return string(v, walk);
    case 'number':
      return number(v, walk);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (v === null) return 'null';
      return container(v, walk);
    default:
      return fail(walk, `${typeof v} is not a JSON value`);
  }
}

function container(v: object, walk: Walk): string {
  if (walk.ancestors.includes(v)) fail(walk, 'cyclic structure');
  if (walk.ancestors.length >= MAX_DEPTH) {
    throw new FormatError('NESTING_TOO_DEEP', `nesting deeper than ${MAX_DEPTH} levels`, jsonPointer(walk.path));
  }
  walk.ancestors.push(v);
  const out = Array.isArray(v) ? array(v, walk) : object(v, walk);
  walk.ancestors.pop();
  return out;
}

function array(a: readonly unknown[], walk: Walk): string {
  if (Object.getPrototypeOf(a) !== Array.prototype) fail(walk, 'not a plain array');
  let out = '[';
  for (let i = 0; i < a.length; i++) {
    walk.path.push(i);
    const item = a[i];
    if (item === undefined) fail(walk, i in a ? 'undefined is not a JSON value' : 'sparse array');
    out += (i === 0 ? '' : ',') + value(item, walk);
    walk.path.pop();
  }
  return out + ']';
}

function object(o: object, walk: Walk): string {
  if (!isPlainObject(o)) fail(walk, `${describe(o)} is not a plain JSON object`);
  // Default sort compares UTF-16 code units, which is what RFC 8785 section 3.2.3 requires.
  const keys = Object.keys(o).sort();
  const record = o as Record<string, unknown>;
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    walk.path.push(key);
    if (!key.isWellFormed()) fail(walk, 'property name contains a lone UTF-16 surrogate');
    const item = record[key];
    if (item === undefined) fail(walk, 'undefined is not a JSON value');
    out += (i === 0 ? '' : ',') + JSON.stringify(key) + ':' + value(item, walk);
    walk.path.pop();
  }
  return out + '}';
}

function describe(o: object): string {
  const name: unknown = (o as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}

function run(v: unknown, safeIntegers: boolean): string {
  return value(v, { safeIntegers, path: [], ancestors: [] });
}

/**
 * RFC 8785 (JCS) canonical form under the ledger's I-JSON profile: besides what JCS requires
 * (no NaN/Infinity, well-formed Unicode, plain objects and arrays only, no cycles), integers
 * must be within ±(2^53-1). Throws FormatError NOT_I_JSON (or NESTING_TOO_DEEP) with a JSON
 * pointer to the offending value.
 */
export function canonicalize(v: unknown): string {
  return run(v, true);
}

/**
 * Plain RFC 8785: like {@link canonicalize} but any finite number is accepted (1e30 is fine).
 * For interoperability tests and foreign data; ledger events use {@link canonicalize}.
 */
export function canonicalizeRfc8785(v: unknown): string {
  return run(v, false);
}

/** Throws FormatError unless the value is I-JSON under the ledger profile (same rules as canonicalize). */
export function assertIJson(v: unknown): void {
  run(v, true);
}

/**
 * Canonical form of an object without some of its top-level members: what the event hash
 * covers (the envelope without `hash` and `sig`), without copying the envelope.
 */
export function canonicalizeWithout(o: object, omit: ReadonlySet<string>): string {
  const walk: Walk = { safeIntegers: true, path: [], ancestors: [o] };
  if (typeof o !== 'object' || o === null || Array.isArray(o) || !isPlainObject(o)) fail(walk, 'not a plain JSON object');
  const keys = Object.keys(o).sort();
  const record = o as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of keys) {
    if (omit.has(key)) continue;
    walk.path.push(key);
    if (!key.isWellFormed()) fail(walk, 'property name contains a lone UTF-16 surrogate');
    const item = record[key];
    if (item === undefined) fail(walk, 'undefined is not a JSON value');
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + value(item, walk);
    first = false;
    walk.path.pop();
  }
  return out + '}';
}
