import type { EventEnvelope } from 'ledger-verify';
import { blueprintDecider, blueprintStream, type BlueprintEvent } from '../../domain/blueprint/blueprint.js';
import { BLUEPRINT_ID } from '../../domain/blueprint/types.js';
import { NotFound, ValidationError } from '../../domain/errors.js';
import type { BlueprintFacts } from '../../domain/project/project.js';
import type { EventStore } from '../../eventstore/port.js';

/** What a project command needs to know about a registered blueprint version, read from its stream. */
export async function blueprintFacts(store: Pick<EventStore, 'readStream'>, id: string, version: number): Promise<BlueprintFacts> {
  if (!BLUEPRINT_ID.test(id)) {
    throw new ValidationError(
      'INVALID_BLUEPRINT_ID',
      `blueprint id "${id.slice(0, 64)}" is invalid: expected a lowercase id like ds-batch`,
      [{ path: 'blueprint.id', message: 'expected [a-z][a-z0-9-]{1,63}' }],
    );
  }
  const events = (await store.readStream(blueprintStream(id))).map((r) => {
    const e = JSON.parse(r.data) as EventEnvelope;
    return { type: e.type, data: e.data } as BlueprintEvent;
  });
  const state = events.reduce(blueprintDecider.evolve, blueprintDecider.initialState);
  const v = state.versions.get(version);
  if (!v) {
    throw new NotFound(
      'UNKNOWN_BLUEPRINT_VERSION',
      `blueprint ${id} has no version ${version}: register it first (qledger blueprints register)`,
    );
  }
  return {
    id,
    version,
    digest: v.digest,
    projectTypes: v.definition.project_types,
    triggers: v.definition.triggers ?? [],
    deprecated: v.deprecated,
  };
}
