import { readdir, readFile } from 'node:fs/promises';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { BlueprintDefinition } from '../domain/blueprint/types.js';
import { semanticProblems } from '../domain/blueprint/validate.js';
import { contentDigest } from '../domain/digest.js';
import { ValidationError } from '../domain/errors.js';
import { schemaValidator, type SchemaError } from './schema.js';

export interface LoadedBlueprint {
  readonly file: string;
  readonly definition: BlueprintDefinition;
  /** sha256:<hex> of the RFC 8785 canonical JSON of the parsed definition. */
  readonly digest: string;
}

/** One problem of a blueprint file, located: `file:line path: expected ... (got ...)`. */
export interface FileProblem {
  readonly file: string;
  readonly line: number;
  readonly path: string;
  readonly message: string;
}

export const formatProblem = (p: FileProblem): string => `${p.file}:${p.line} ${p.path}: ${p.message}`;

/** A blueprint file that cannot be used; `problems` has every located problem. */
export class BlueprintFileError extends ValidationError {
  constructor(
    readonly file: string,
    readonly fileProblems: readonly FileProblem[],
  ) {
    super(
      'INVALID_BLUEPRINT_FILE',
      `${fileProblems.map(formatProblem)[0] ?? file}${fileProblems.length > 1 ? ` (and ${fileProblems.length - 1} more problem(s): qledger blueprints validate ${file})` : ''}`,
      fileProblems.map((p) => ({ path: p.path, message: `${p.file}:${p.line} ${p.message}` })),
    );
  }
}

export async function loadBlueprintFile(file: string): Promise<LoadedBlueprint> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BlueprintFileError(file, [
      { file, line: 1, path: '(file)', message: `expected a readable YAML file (${code ?? String(e)})` },
    ]);
  }
  return parseBlueprint(text, file);
}

/** Parses and validates (schema, then semantics) one blueprint; throws BlueprintFileError with every problem. */
export function parseBlueprint(text: string, file: string): LoadedBlueprint {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, schema: 'core', uniqueKeys: true, prettyErrors: false });
  const lineOf = (offset: number | undefined): number => (offset === undefined ? 1 : lines.linePos(offset).line);
  if (doc.errors.length > 0) {
    throw new BlueprintFileError(
      file,
      doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0].line ?? lineOf(e.pos[0]),
        path: '(yaml)',
        message: `expected valid YAML: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const validate = schemaValidator();
  if (!validate(value)) {
    const problems = dedupe((validate.errors ?? []).map((e) => schemaProblem(e, doc, lineOf, file)));
    throw new BlueprintFileError(file, problems);
  }
  const definition = value as BlueprintDefinition;
  const semantic = semanticProblems(definition);
  if (semantic.length > 0) {
    throw new BlueprintFileError(
      file,
      semantic.map((p) => ({ file, line: lineOf(nodeStart(doc, p.path)), path: displayPath(p.path), message: p.message })),
    );
  }
  return { file, definition, digest: contentDigest(definition, 'blueprint') };
}

function schemaProblem(e: SchemaError, doc: Document, lineOf: (o: number | undefined) => number, file: string): FileProblem {
  const path = pointerSegments(e.instancePath);
  const params = e.params as Record<string, unknown>;
  const got = (): string => describe(doc.getIn(path));
  switch (e.keyword) {
    case 'required': {
      const missing = String(params['missingProperty']);
      return {
        file,
        line: lineOf(nodeStart(doc, path)),
        path: displayPath([...path, missing]),
        message: `expected a value (the property "${missing}" is required)`,
      };
    }
    case 'additionalProperties': {
      const extra = String(params['additionalProperty']);
      const allowed = allowedProperties(e);
      return {
        file,
        line: lineOf(keyStart(doc, path, extra)),
        path: displayPath([...path, extra]),
        message: `unknown property: expected one of ${allowed.join(', ')}`,
      };
    }
    case 'enum':
      return {
        file,
        line: lineOf(nodeStart(doc, path)),
        path: displayPath(path),
        message: `expected one of ${(params['allowedValues'] as unknown[]).map(String).join(', ')} (got ${got()})`,
      };
    case 'type':
      return {
        file,
        line: lineOf(nodeStart(doc, path)),
        path: displayPath(path),
        message: `expected ${article(String(params['type']))} (got ${got()})`,
      };
    case 'pattern':
      return {
        file,
        line: lineOf(nodeStart(doc, path)),
        path: displayPath(path),
        message: `expected a value matching ${String(params['pattern'])} (got ${got()})`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        file,
        line: lineOf(nodeStart(doc, path)),
        path: displayPath(path),
        message: `expected a number ${String(params['comparison'])} ${String(params['limit'])} (got ${got()})`,
      };
    default:
      return {
        file,
        line: lineOf(nodeStart(doc, path)),
        path: displayPath(path),
        message: `expected a value that ${e.message ?? 'matches the schema'} (got ${got()})`,
      };
  }
}

function allowedProperties(e: SchemaError): string[] {
  const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

function dedupe(ps: FileProblem[]): FileProblem[] {
  const seen = new Set<string>();
  return ps.filter((p) => (seen.has(formatProblem(p)) ? false : (seen.add(formatProblem(p)), true))).sort((a, b) => a.line - b.line);
}

function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `stages[2].checks[0].type` */
export function displayPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(document)';
  return path.reduce<string>((out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out === '' ? seg : `${out}.${seg}`), '');
}

/** Start offset of the node at `path`, or of its closest existing ancestor. */
function nodeStart(doc: Document, path: readonly (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return range[0];
  }
  return undefined;
}

function keyStart(doc: Document, path: readonly (string | number)[], key: string): number | undefined {
  const node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key) return pair.key.range?.[0];
    }
  }
  return nodeStart(doc, path);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isMap(v)) return 'a mapping';
  if (Array.isArray(v) || (typeof v === 'object' && 'items' in v)) return 'a list';
  return typeof v;
}

function article(type: string): string {
  const t = type.split(',')[0] ?? type;
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    null: 'null',
  };
  return names[t] ?? type;
}

/** The blueprint files (*.yaml, *.yml) directly in `dir`, sorted by name. */
export async function blueprintFilesIn(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'))
    .sort()
    .map((n) => (dir.endsWith('/') ? `${dir}${n}` : `${dir}/${n}`));
}

/** Loads every file; returns the loaded blueprints and every problem of the files that failed. */
export async function loadBlueprintFiles(files: readonly string[]): Promise<{ loaded: LoadedBlueprint[]; problems: FileProblem[] }> {
  const loaded: LoadedBlueprint[] = [];
  const problems: FileProblem[] = [];
  for (const f of files) {
    try {
      loaded.push(await loadBlueprintFile(f));
    } catch (e) {
      if (e instanceof BlueprintFileError) problems.push(...e.fileProblems);
      else throw e;
    }
  }
  const seen = new Map<string, string>();
  for (const b of loaded) {
    const key = `${b.definition.id} v${b.definition.version}`;
    const other = seen.get(key);
    if (other)
      problems.push({ file: b.file, line: 1, path: 'id', message: `expected one file per blueprint version (${key} is also in ${other})` });
    else seen.set(key, b.file);
  }
  return { loaded, problems };
}
