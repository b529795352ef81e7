import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from 'ledger-verify';
import { LEDGER } from '../../app/tokens.js';
import { forbidden } from '../../auth/auth-errors.js';
import type { Principal } from '../../auth/principal.js';
import { assertProjectScope } from '../../auth/scope.js';
import { NotFound } from '../../domain/errors.js';
import { writeContext, type WriteContext } from '../../edge/idempotency.js';
import { IdempotencyKeys } from '../../edge/idempotency-keys.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { RunScope } from '../../rest/run-scope.js';
import { MutationResult, WrittenEvent } from '../types/mutation-result.type.js';

/** The events a command wrote, with the data mutations read their entity from. */
export interface Written {
  readonly events: readonly (WrittenEvent & { readonly data: unknown })[];
  readonly head: number;
}

/**
 * What every mutation does around its command: the write context (actor from the token, time,
 * command id — derived from the idempotencyKey when there is one, as the REST header does), the
 * project scope of the target, the replay check, and the typed answer read back from the stream.
 * One provider, injected into every mutation resolver.
 */
@Injectable()
export class MutationKit {
  readonly runs: RunScope;

  private readonly idempotency: IdempotencyKeys;

  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {
    this.runs = new RunScope(ledger);
    this.idempotency = new IdempotencyKeys(ledger);
  }

  /**
   * The write context of one mutation. The idempotency seed names the mutation and its target
   * (as the REST route names method and path): the same key on another target is another command.
   * `input` is the mutation's input as sent: a replay with the same key must repeat it.
   */
  context(principal: Principal, mutation: string, target: string, idempotencyKey: string | null | undefined, input: unknown): WriteContext {
    return writeContext(
      principal,
      `graphql Mutation.${mutation} ${target}`,
      idempotencyKey ?? undefined,
      new Date(),
      'idempotencyKey',
      input,
    );
  }

  /**
   * Dispatches the command unless this idempotent command is already in `stream` (then nothing
   * runs and the first answer is returned), and answers the events of this command in `stream`.
   * A key already used for another input is refused first (IDEMPOTENCY_KEY_REUSED).
   */
  async write(
    stream: string,
    w: WriteContext,
    dispatch: () => Promise<unknown>,
    entity: string | ((written: Written, result: unknown) => string),
    digest: string | ((written: Written, result: unknown) => string | null) = () => null,
  ): Promise<MutationResult> {
    await this.idempotency.claim(w);
    const recorded = w.idempotent && (await this.writtenBy(stream, w.meta.commandId)).events.length > 0;
    const result = recorded ? undefined : await dispatch();
    // Also a replay: the ledger writer recognised the command (a concurrent request with the same key).
    const replayed = recorded || (result as { idempotent?: unknown } | undefined)?.idempotent === true;
    const written = await this.writtenBy(stream, w.meta.commandId);
    const last = written.events.at(-1);
    return Object.assign(new MutationResult(), {
      entityId: typeof entity === 'string' ? entity : entity(written, result),
      stream,
      revision: last ? last.revision : written.head,
      events: written.events.map(({ id, type, revision, position }) => Object.assign(new WrittenEvent(), { id, type, revision, position })),
      replayed,
      digest: typeof digest === 'string' ? digest : digest(written, result),
    });
  }

  /** The events of one command (and of the follow-up commands it derived, `<id>:...`) in a stream. */
  async writtenBy(stream: string, commandId: string): Promise<Written> {
    const recorded = await this.ledger.store.readStream(stream);
    const events = recorded
      .map((r) => ({ r, e: JSON.parse(r.data) as EventEnvelope }))
      .filter(({ e }) => e.meta.commandId === commandId || e.meta.commandId.startsWith(`${commandId}:`))
      .map(({ r, e }) => ({ id: r.id, type: r.type, revision: r.revision, position: r.position, data: e.data }));
    return { events, head: recorded.at(-1)?.revision ?? -1 };
  }

  /** The project a stream belongs to, from its first event (RunRequested, KeyRegistered...), which never changes. */
  async projectOfStream(stream: string): Promise<string | undefined> {
    const [first] = await this.ledger.store.readStream(stream, { maxCount: 1 });
    if (!first) return undefined;
    const projectId = ((JSON.parse(first.data) as EventEnvelope).data as { projectId?: unknown }).projectId;
    return typeof projectId === 'string' ? projectId : undefined;
  }

  /**
   * 403 unless the principal covers the project of the stream; the same 403 whether the entity
   * does not exist or belongs to another project, unless the principal covers every project.
   */
  async assertStreamScope(principal: Principal, stream: string, notFound: () => NotFound): Promise<string> {
    const project = await this.projectOfStream(stream);
    if (project === undefined) {
      if (principal.projects !== '*') throw forbidden('FORBIDDEN_PROJECT', 'forbidden: your credentials do not cover this project');
      throw notFound();
    }
    assertProjectScope(principal, project);
    return project;
  }
}

/** The optional `idempotencyKey` argument of every mutation: the same semantics as the REST Idempotency-Key header. */
export const KEY_ARG = {
  name: 'idempotencyKey',
  options: {
    type: () => String,
    nullable: true,
    description:
      'Printable ASCII, 1 to 200 characters. The same key from the same actor on the same mutation and target is the same ' +
      'command: a replay writes nothing and answers the first write (replayed: true).',
  },
} as const;
