import { excerpt, FormatError, jsonPointer } from './errors.js';
import { MAX_DEPTH } from './jcs.js';

function malformed(message: string, path: (string | number)[] = []): never {
  throw new FormatError('MALFORMED_JSON', message, jsonPointer(path));
}

/**
 * Parses untrusted JSON text (RFC 8259) and refuses what JSON.parse lets through silently:
 * duplicate property names (JSON.parse keeps the last one, so two readers could see two
 * different values), lone surrogates (escaped or raw), numbers that overflow to ±Infinity,
 * and nesting deeper than MAX_DEPTH. Throws FormatError MALFORMED_JSON with a one-line message.
 *
 * Fast path: V8's JSON.parse, then one walk over the result and one scan over the text. The
 * text holds one ':' outside strings per object member; if the parsed objects hold fewer
 * members, some name was repeated.
 */
export function parseJsonStrict(text: string): unknown {
  if (typeof text !== 'string') malformed('input is not a string');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    malformed(text.trim() === '' ? 'empty input' : `invalid JSON: ${excerpt(reason, 160)}`);
  }
  const members = checkParsed(parsed, [], 0);
  if (members !== countMembers(text)) locateDuplicate(text);
  return parsed;
}

/** Validates the parsed tree and returns the number of object members in it. */
function checkParsed(v: unknown, path: (string | number)[], depth: number): number {
  if (typeof v === 'string') {
    if (!v.isWellFormed()) malformed('string contains a lone UTF-16 surrogate', path);
    return 0;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) malformed('number is too large for a double', path);
    return 0;
  }
  if (typeof v !== 'object' || v === null) return 0;
  if (depth >= MAX_DEPTH) malformed(`nesting deeper than ${MAX_DEPTH} levels`, path);
  let count = 0;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      count += checkParsed(v[i], path, depth + 1);
      path.pop();
    }
    return count;
  }
  const record = v as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    path.push(key);
    if (!key.isWellFormed()) malformed('property name contains a lone UTF-16 surrogate', path);
    count += 1 + checkParsed(record[key], path, depth + 1);
    path.pop();
  }
  return count;
}

const QUOTE = 0x22,
  BACKSLASH = 0x5c,
  COLON = 0x3a;

/** Number of ':' outside strings in text that JSON.parse accepted. */
function countMembers(text: string): number {
  let count = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === COLON) count++;
  }
  return count;
}

interface Frame {
  readonly keys: Set<string> | undefined; // undefined for arrays
  index: number;
  key: string | undefined;
}

/**
 * Slow path, only run when a duplicate exists: re-scan the (syntactically valid) text with
 * a stack of seen names to report which name repeats, and where.
 */
function locateDuplicate(text: string): never {
  const stack: Frame[] = [];
  const path = (): (string | number)[] =>
    stack.flatMap((f): (string | number)[] => (f.keys ? (f.key === undefined ? [] : [f.key]) : [f.index]));
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      while (text.charCodeAt(j) !== QUOTE) j += text.charCodeAt(j) === BACKSLASH ? 2 : 1;
      const top = stack.at(-1);
      if (expectKey && top?.keys) {
        const name = JSON.parse(text.slice(i, j + 1)) as string;
        top.key = name;
        if (top.keys.has(name)) malformed(`duplicate property name "${excerpt(name, 60)}"`, path());
        top.keys.add(name);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */) {
      stack.push({ keys: new Set(), index: 0, key: undefined });
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push({ keys: undefined, index: 0, key: undefined });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack.at(-1);
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    }
  }
  return malformed('duplicate property name');
}
