import { blueprintDecider, blueprintStream } from '../domain/blueprint/blueprint.js';
import type { BlueprintDefinition } from '../domain/blueprint/types.js';
import type { CommandMetadata } from '../domain/decider.js';
import { projectDecider, projectStream, type BlueprintFacts } from '../domain/project/project.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { readState } from '../ledger/read-state.js';

/**
 * Registers blueprints and sets up projects through the Blueprint and Project deciders, for the
 * demo and the end-to-end tests (an adapter until their command handlers are wired: it writes
 * through the same LedgerWriter path, signed and chained like every other command).
 */
export async function registerBlueprint(ledger: Ledger, definition: BlueprintDefinition, meta: CommandMetadata): Promise<BlueprintFacts> {
  await ledger.writer.execute(blueprintStream(definition.id), blueprintDecider, { type: 'RegisterBlueprintVersion', definition }, meta);
  return blueprintFacts(ledger, definition.id, definition.version);
}

export async function blueprintFacts(ledger: Ledger, id: string, version: number): Promise<BlueprintFacts> {
  const { state } = await readState(ledger.store, blueprintStream(id), blueprintDecider);
  const v = state.versions.get(version);
  if (!v) throw new Error(`blueprint ${id} v${version} is not registered`);
  return {
    id,
    version,
    digest: v.digest,
    projectTypes: v.definition.project_types,
    triggers: v.definition.triggers ?? [],
    deprecated: v.deprecated,
  };
}

export interface ProjectSetup {
  readonly projectId: string;
  readonly name: string;
  readonly projectType: string;
  readonly ownerId: string;
  readonly repository?: string;
  /** environment → blueprint */
  readonly blueprints: Readonly<Record<string, BlueprintFacts>>;
  readonly cryptoPipeline?: BlueprintFacts;
}

/** Creates the project (idempotent) and attaches its blueprints; `metaFor(step)` gives each command's metadata. */
export async function setUpProject(ledger: Ledger, p: ProjectSetup, metaFor: (step: string) => CommandMetadata): Promise<void> {
  const stream = projectStream(p.projectId);
  await ledger.writer.execute(
    stream,
    projectDecider,
    {
      type: 'CreateProject',
      projectId: p.projectId,
      name: p.name,
      projectType: p.projectType,
      repository: p.repository ?? null,
      ownerId: p.ownerId,
    },
    metaFor('create'),
  );
  for (const [environment, blueprint] of Object.entries(p.blueprints)) {
    await ledger.writer.execute(
      stream,
      projectDecider,
      { type: 'AttachBlueprint', environment, blueprint },
      metaFor(`attach:${environment}`),
    );
  }
  if (p.cryptoPipeline) {
    await ledger.writer.execute(stream, projectDecider, { type: 'SetCryptoPipeline', blueprint: p.cryptoPipeline }, metaFor('crypto'));
  }
}
