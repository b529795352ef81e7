import { FormatError } from '../errors.js';
import { assertIJson } from '../jcs.js';
import {
  ACTOR_KINDS,
  isActorId,
  isBase64urlOfLength,
  isEventType,
  isHash,
  isKid,
  isMetaId,
  isOrigin,
  isPlainObject,
  isRevision,
  isSchemaVersion,
  isStreamName,
  isTimestamp,
  isUuidV7,
} from './fields.js';
import {
  ENVELOPE_FIELDS,
  SEALED_FIELDS,
  type Actor,
  type EventEnvelope,
  type EventMeta,
  type EventSignature,
  type UnsealedEnvelope,
} from './types.js';

function bad(path: string, message: string): never {
  throw new FormatError('MALFORMED_ENVELOPE', message, path);
}

/** A plain object with exactly the allowed fields (optional ones may be absent). */
function exactObject(
  v: unknown,
  path: string,
  name: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  if (!isPlainObject(v)) bad(path, `${name} must be a JSON object`);
  // Fast acceptance: every required field present and no other field than the optional ones
  // (names are unique, so the counts match exactly then); otherwise the loops below find the
  // same first error as always.
  const keys = Object.keys(v);
  let known = 0;
  for (const key of required) if (Object.hasOwn(v, key)) known++;
  if (known === required.length) {
    for (const key of optional) if (Object.hasOwn(v, key)) known++;
    if (known === keys.length) return v;
  }
  for (const key of keys) {
    if (!required.includes(key) && !optional.includes(key))
      bad(`${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, `${name} has an unknown field "${key.slice(0, 40)}"`);
  }
  for (const key of required) if (!Object.hasOwn(v, key)) bad(`${path}/${key}`, `${name} has no field "${key}"`);
  return v;
}

function field<T>(v: unknown, ok: (x: unknown) => x is T, path: string, expected: string): T {
  if (!ok(v)) bad(path, `${path.slice(1).replace(/\//g, '.')} must be ${expected}`);
  return v;
}

function parseActor(v: unknown): Actor {
  const a = exactObject(v, '/actor', 'actor', ['id', 'kind']);
  return {
    id: field(a['id'], isActorId, '/actor/id', 'a pseudonymous id: 1-128 of A-Z a-z 0-9 . _ : - starting with a letter or digit'),
    kind: field(
      a['kind'],
      (x): x is Actor['kind'] => typeof x === 'string' && ACTOR_KINDS.has(x),
      '/actor/kind',
      'user, service, worker or system',
    ),
  };
}

const META_REQUIRED = ['correlationId', 'causationId', 'commandId'] as const;
const META_OPTIONAL = ['intentId', 'planId', 'ticketId'] as const;
const META_ID_RULE = 'a string of 1-128 characters without control characters';

function parseMeta(v: unknown): EventMeta {
  const m = exactObject(v, '/meta', 'meta', META_REQUIRED, META_OPTIONAL);
  const out: Record<string, string> = {};
  for (const key of META_REQUIRED) out[key] = field(m[key], isMetaId, `/meta/${key}`, META_ID_RULE);
  for (const key of META_OPTIONAL) if (Object.hasOwn(m, key)) out[key] = field(m[key], isMetaId, `/meta/${key}`, META_ID_RULE);
  return out as unknown as EventMeta;
}

/**
 * Runs `walk` over the payload (assertIJson, or canonicalize when the caller needs the text:
 * the same rules) and reports a failure as MALFORMED_ENVELOPE at the offending path.
 */
export function walkData<T>(v: unknown, walk: (v: unknown) => T): T {
  try {
    return walk(v);
  } catch (e) {
    if (e instanceof FormatError) bad(`/data${e.path}`, `data is not I-JSON: ${e.message}`);
    throw e;
  }
}

function parseData(v: unknown, deep: boolean): unknown {
  if (!isPlainObject(v)) bad('/data', 'data must be a JSON object');
  if (deep) walkData(v, assertIJson);
  return v;
}

function parseSignature(v: unknown): EventSignature {
  const s = exactObject(v, '/sig', 'sig', ['kid', 'alg', 'val']);
  return {
    kid: field(s['kid'], isKid, '/sig/kid', '32 lowercase hex characters'),
    alg: field(s['alg'], (x): x is 'Ed25519' => x === 'Ed25519', '/sig/alg', '"Ed25519"'),
    val: field(s['val'], (x): x is string => isBase64urlOfLength(x, 64), '/sig/val', 'a 64-byte signature in base64url without padding'),
  };
}

function parseCommon(e: Record<string, unknown>, deepData = true): UnsealedEnvelope {
  const revision = field(e['revision'], isRevision, '/revision', 'a non-negative safe integer');
  const prev = e['prev'];
  if (revision === 0 && prev !== null) bad('/prev', 'prev must be null at revision 0');
  if (revision > 0 && !isHash(prev)) bad('/prev', 'prev must be the 64 lowercase hex hash of the previous event (revision > 0)');
  return {
    id: field(e['id'], isUuidV7, '/id', 'a lowercase UUIDv7'),
    origin: field(e['origin'], isOrigin, '/origin', '1-255 printable ASCII characters without spaces'),
    stream: field(e['stream'], isStreamName, '/stream', '<category>-<id>: a lowercase category, "-", then 1-200 of A-Z a-z 0-9 . _ : -'),
    revision,
    type: field(e['type'], isEventType, '/type', 'an event type name: a letter, then up to 127 of A-Z a-z 0-9 _ .'),
    schema: field(e['schema'], isSchemaVersion, '/schema', 'an integer >= 1'),
    occurredAt: field(e['occurredAt'], isTimestamp, '/occurredAt', 'RFC 3339 UTC with milliseconds (YYYY-MM-DDTHH:MM:SS.sssZ)'),
    actor: parseActor(e['actor']),
    meta: parseMeta(e['meta']),
    data: parseData(e['data'], deepData),
    prev: prev as string | null,
  };
}

/** The sealed envelope: every field written out (an object spread is slow on the per-line path). */
function sealed(c: UnsealedEnvelope, e: Record<string, unknown>): EventEnvelope {
  return {
    id: c.id,
    origin: c.origin,
    stream: c.stream,
    revision: c.revision,
    type: c.type,
    schema: c.schema,
    occurredAt: c.occurredAt,
    actor: c.actor,
    meta: c.meta,
    data: c.data,
    prev: c.prev,
    hash: field(e['hash'], isHash, '/hash', '64 lowercase hex characters'),
    sig: parseSignature(e['sig']),
  };
}

/**
 * Validates an untrusted sealed envelope (every field, exact field sets, formats, I-JSON data)
 * and returns a fresh envelope object (`data` is shared, not copied). Throws FormatError
 * MALFORMED_ENVELOPE whose path names the offending field.
 */
export function parseEnvelope(value: unknown): EventEnvelope {
  const e = exactObject(value, '', 'envelope', SEALED_FIELDS);
  return sealed(parseCommon(e), e);
}

/**
 * As {@link parseEnvelope}, but `data` is only checked to be an object: for callers that hash
 * the envelope next (hashEvent canonicalizes, which is the I-JSON check, and throws FormatError
 * NOT_I_JSON), so that the payload is walked once instead of twice.
 */
export function parseEnvelopeForHashing(value: unknown): EventEnvelope {
  const e = exactObject(value, '', 'envelope', SEALED_FIELDS);
  return sealed(parseCommon(e, false), e);
}

/** Like {@link parseEnvelope} for an envelope before sealing (no hash, no sig). */
export function parseUnsealedEnvelope(value: unknown): UnsealedEnvelope {
  return parseCommon(exactObject(value, '', 'envelope', ENVELOPE_FIELDS));
}

/**
 * Like {@link parseUnsealedEnvelope} but checks only that `data` is a plain object: the caller
 * must then walk the payload with {@link walkData} (data is the last field checked, so the
 * first error reported is the same). For prepareSeal, which canonicalizes the payload anyway.
 */
export function parseUnsealedEnvelopeShallow(value: unknown): UnsealedEnvelope {
  return parseCommon(exactObject(value, '', 'envelope', ENVELOPE_FIELDS), false);
}
