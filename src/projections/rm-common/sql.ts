import type pg from 'pg';
import type { ProjectedEvent } from '../projection.js';

/** The id part of a stream name `<category>-<id>`. */
export function streamId(stream: string): string {
  const dash = stream.indexOf('-');
  return dash < 0 ? stream : stream.slice(dash + 1);
}

/** The events of one stream category, typed by the caller's event union (payloads are already validated by the domain). */
export function eventsOf<E extends { type: string; data: unknown }>(
  events: readonly ProjectedEvent[],
  category: string,
): Array<{ readonly event: E; readonly id: string; readonly e: ProjectedEvent }> {
  const prefix = `${category}-`;
  const out: Array<{ readonly event: E; readonly id: string; readonly e: ProjectedEvent }> = [];
  for (const e of events) {
    if (!e.recorded.stream.startsWith(prefix)) continue;
    out.push({ event: { type: e.envelope.type, data: e.envelope.data } as E, id: e.recorded.stream.slice(prefix.length), e });
  }
  return out;
}

/**
 * Inserts many rows in one statement: `INSERT ... SELECT * FROM unnest($1::t1[], $2::t2[], ...)`.
 * `columns` are `name type` pairs, e.g. `['up text', 'position bigint']`; `tail` is the ON CONFLICT clause.
 */
export async function insertMany(
  tx: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  tail: string,
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((c) => c.split(' ')[0]!);
  const types = columns.map((c) => c.split(' ').slice(1).join(' '));
  const params = columns.map((_, i) => rows.map((r) => r[i] ?? null));
  await tx.query(
    `INSERT INTO ${table} (${names.join(', ')}) SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) ${tail}`,
    params,
  );
}

/** JSON text for a jsonb parameter. */
export const jsonb = (v: unknown): string => JSON.stringify(v ?? null);

/** `sha256:<hex>` or `<hex>` to the bare hex form the evidence streams use. */
export const bareSha256 = (digest: string): string => (digest.startsWith('sha256:') ? digest.slice(7) : digest);

/** Names of the write statements' prepared forms, by text (a projection has a fixed set of statements). */
const STATEMENT_NAMES = new Map<string, string>();
const MAX_STATEMENT_NAMES = 500;

function statementName(text: string): string | undefined {
  let name = STATEMENT_NAMES.get(text);
  if (name === undefined && STATEMENT_NAMES.size < MAX_STATEMENT_NAMES) {
    name = `ql-pw-${STATEMENT_NAMES.size}`;
    STATEMENT_NAMES.set(text, name);
  }
  return name;
}

interface Corkable {
  cork?(): void;
  uncork?(): void;
}

/** True when the connection sends queries without waiting for the previous answer (node-postgres `pipeline: true`). */
export function inPipelineMode(client: pg.PoolClient): boolean {
  return (client as unknown as { pipeline?: boolean }).pipeline === true;
}

/**
 * Corks a connection's socket: what is queued on it from now on leaves in one write when the returned
 * function is called, or at the next turn of the event loop at the latest (so a statement whose answer
 * is awaited in between still goes out). The function may be called more than once.
 */
export function corkSocket(client: pg.PoolClient): () => void {
  const socket = (client as unknown as { connection?: { stream?: Corkable } }).connection?.stream;
  if (!socket?.cork || !socket.uncork) return () => undefined;
  socket.cork();
  let corked = true;
  const uncork = (): void => {
    if (!corked) return;
    corked = false;
    socket.uncork!();
  };
  setImmediate(uncork);
  return uncork;
}

/**
 * Write-only statements of one batch sent back to back (decision 0058): `tx` hands out a client whose
 * `query` queues the statement on the real connection in program order and resolves at once with no
 * rows, so a projection's `await`s do not wait for PostgreSQL; `flush()` waits for every answer and
 * throws the first error (the runner then rolls the batch back). On the runners' pipeline-mode
 * connections the statements go out without a round trip each. Only for projections that never read
 * what a query returns.
 *
 * Decision 0063: each statement is a named prepared statement (parsed and planned once per
 * connection, not once per event), and the socket is corked from the first statement until `flush()`,
 * so a batch's statements leave in one write instead of one system call each.
 */
export function pipelinedWrites(real: pg.PoolClient): { tx: pg.PoolClient; flush: () => Promise<void> } {
  const pending: Promise<unknown>[] = [];
  const empty = { rows: [], rowCount: 0, command: '', oid: 0, fields: [] };
  const piped = inPipelineMode(real);
  let uncork: (() => void) | undefined;
  let last: Promise<unknown> = Promise.resolve();
  const tx = {
    query: (text: string, values?: unknown[]) => {
      const name = statementName(text);
      const send = (): Promise<unknown> =>
        name === undefined ? real.query(text, values) : real.query({ name, text, values: values ?? [] });
      if (piped) {
        uncork ??= corkSocket(real);
        pending.push(send());
      } else {
        // One statement at a time on a connection that is not in pipeline mode (rebuilds from the CLI).
        last = last.then(send);
        pending.push(last);
      }
      return Promise.resolve(empty);
    },
  } as unknown as pg.PoolClient;
  return {
    tx,
    flush: async () => {
      uncork?.();
      await Promise.all(pending);
    },
  };
}
