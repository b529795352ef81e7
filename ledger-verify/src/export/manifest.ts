// manifest.json of a full export (docs/ledger-format.md section 9.3): parsed strictly; every
// shape problem is a MALFORMED_MANIFEST failure, not a crash.

import { base64ToBytes, isLowerHex } from '../encoding.js';
import { isKid, isOrigin, isPlainObject, isTimestamp, isUuidV7 } from '../envelope/fields.js';
import { FormatError } from '../errors.js';
import { canonicalize } from '../jcs.js';
import { parseJsonStrict } from '../json-strict.js';
import { InputError } from '../verify/ledger.js';
import { CHECKPOINTS_FILE, EVENTS_FILE, MANIFEST_FILE } from './source.js';

export const EXPORT_FORMAT = 'qledger-export/1';

export interface FileDigest {
  readonly sha256: string;
  readonly bytes: number;
}

export interface ExportManifest {
  readonly format: typeof EXPORT_FORMAT;
  readonly origin: string;
  readonly trustRoot: string;
  readonly exportedAt: string;
  readonly counts: { readonly events: number; readonly checkpoints: number };
  readonly head: { readonly position: number };
  readonly lastCheckpoint: { readonly size: number; readonly rootHash: string; readonly eventId: string } | null;
  readonly files: { readonly [EVENTS_FILE]: FileDigest; readonly [CHECKPOINTS_FILE]: FileDigest };
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function exact(v: unknown, fields: readonly string[]): v is Record<string, unknown> {
  return isPlainObject(v) && Object.keys(v).length === fields.length && fields.every((f) => Object.hasOwn(v, f));
}

function digestOk(v: unknown): v is FileDigest {
  return exact(v, ['bytes', 'sha256']) && isCount(v['bytes']) && isLowerHex(v['sha256'], 64);
}

export interface ParsedManifest {
  /** The manifest when its shape is right. */
  readonly manifest: ExportManifest | undefined;
  /** Shape problems (MALFORMED_MANIFEST messages). */
  readonly problems: string[];
}

/**
 * Parses manifest.json. Throws InputError MALFORMED_JSON when it is not JSON and
 * UNSUPPORTED_FORMAT when its format is not qledger-export/1 (nothing else can be read then).
 */
export function parseManifest(text: string): ParsedManifest {
  let raw: unknown;
  try {
    raw = parseJsonStrict(text);
  } catch (e) {
    if (e instanceof FormatError) throw new InputError('MALFORMED_JSON', `${MANIFEST_FILE}: ${e.message}`);
    throw e;
  }
  if (!isPlainObject(raw)) throw new InputError('MALFORMED_JSON', `${MANIFEST_FILE}: not a JSON object`);
  if (raw['format'] !== EXPORT_FORMAT) {
    throw new InputError(
      'UNSUPPORTED_FORMAT',
      `${MANIFEST_FILE}: format ${JSON.stringify(raw['format'])?.slice(0, 40)} is not ${EXPORT_FORMAT}`,
    );
  }
  const problems: string[] = [];
  const need = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  need(
    exact(raw, ['counts', 'exportedAt', 'files', 'format', 'head', 'lastCheckpoint', 'origin', 'trustRoot']),
    'members are exactly format, origin, trustRoot, exportedAt, counts, head, lastCheckpoint, files',
  );
  need(isOrigin(raw['origin']), 'origin is 1-255 printable ASCII characters without spaces');
  need(isKid(raw['trustRoot']), 'trustRoot is a kid (32 lowercase hex)');
  need(isTimestamp(raw['exportedAt']), 'exportedAt is an RFC 3339 UTC timestamp with milliseconds');
  const counts = raw['counts'];
  need(
    exact(counts, ['checkpoints', 'events']) && isCount(counts['events']) && isCount(counts['checkpoints']),
    'counts is {events, checkpoints}',
  );
  const head = raw['head'];
  need(exact(head, ['position']) && isCount(head['position']), 'head is {position}');
  const last = raw['lastCheckpoint'];
  const rootOk = (r: unknown): boolean => typeof r === 'string' && base64ToBytes(r)?.length === 32;
  need(
    last === null ||
      (exact(last, ['eventId', 'rootHash', 'size']) && isCount(last['size']) && rootOk(last['rootHash']) && isUuidV7(last['eventId'])),
    'lastCheckpoint is null or {size, rootHash (base64 of 32 bytes), eventId}',
  );
  const files = raw['files'];
  need(
    exact(files, [CHECKPOINTS_FILE, EVENTS_FILE]) && digestOk(files[EVENTS_FILE]) && digestOk(files[CHECKPOINTS_FILE]),
    `files is {"${EVENTS_FILE}": {sha256, bytes}, "${CHECKPOINTS_FILE}": {sha256, bytes}}`,
  );
  if (problems.length === 0) {
    let canonical: string;
    try {
      canonical = canonicalize(raw);
    } catch {
      canonical = '';
    }
    need(text === canonical || text === `${canonical}\n`, 'the manifest is not in canonical form (RFC 8785)');
    return { manifest: raw as unknown as ExportManifest, problems };
  }
  return { manifest: undefined, problems };
}
