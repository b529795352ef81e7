import { CommandBus } from '@nestjs/cqrs';
import { loadBlueprintFile } from '../blueprints/load.js';
import { RegisterBlueprintCommand } from '../commands/blueprints/register-blueprint.command.js';
import { AttachBlueprintCommand } from '../commands/projects/attach-blueprint.command.js';
import { CreateProjectCommand } from '../commands/projects/create-project.command.js';
import { SetCryptoPipelineCommand } from '../commands/projects/set-crypto-pipeline.command.js';
import type { BlueprintDefinition } from '../domain/blueprint/types.js';
import type { CommandMetadata } from '../domain/decider.js';

export interface DemoProject {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly owner: string;
  /** environment → [blueprint id, version] */
  readonly blueprints: Readonly<Record<string, readonly [string, number]>>;
  readonly cryptoPipeline?: boolean;
}

/** Several projects of the seed's kinds (data science, ML services, crypto libraries, APIs, batch inference). */
export const PROJECTS: readonly DemoProject[] = [
  {
    id: 'fraud-scoring',
    name: 'Fraud scoring service',
    type: 'ml-service',
    owner: 'team:risk-models',
    blueprints: { prod: ['ds-ia-crypto', 2], staging: ['ds-ia-crypto', 1] },
    cryptoPipeline: true,
  },
  { id: 'churn-batch', name: 'Churn features batch', type: 'ds', owner: 'team:growth-data', blueprints: { prod: ['ds-batch', 1] } },
  {
    id: 'payments-crypto',
    name: 'Payments crypto library',
    type: 'crypto-lib',
    owner: 'team:appsec',
    blueprints: { prod: ['crypto-lib', 1] },
    cryptoPipeline: true,
  },
  {
    id: 'reco-realtime',
    name: 'Realtime recommendations',
    type: 'ml-service',
    owner: 'team:reco',
    blueprints: { prod: ['realtime-ml', 1] },
  },
  { id: 'gateway-api', name: 'Partner API gateway', type: 'api', owner: 'team:platform', blueprints: { prod: ['api-secure', 1] } },
];

const FILES = ['ds-ia-crypto', 'ds-batch', 'crypto-lib', 'realtime-ml', 'api-secure', 'batch-inference'];

/** Registers the shipped blueprints (and ds-ia-crypto v2: one human approval in prod), creates the projects. */
export async function setUpCatalog(bus: CommandBus, meta: () => CommandMetadata): Promise<void> {
  const definitions: BlueprintDefinition[] = [];
  for (const f of FILES)
    definitions.push((await loadBlueprintFile(new URL(`../../../blueprints/${f}.yaml`, import.meta.url).pathname)).definition);
  const ds = definitions[0] as BlueprintDefinition;
  definitions.push({
    ...ds,
    version: 2,
    policies: { approval: { ...ds.policies.approval, human_approval: { roles: ['approver'], quorum: { prod: 1 } } } },
  });
  for (const d of definitions) await bus.execute(new RegisterBlueprintCommand(d, meta()));
  for (const p of PROJECTS) {
    await bus.execute(new CreateProjectCommand(p.id, p.name, p.type, `https://git.example.com/${p.id}.git`, p.owner, meta()));
    for (const [env, [id, version]] of Object.entries(p.blueprints)) {
      await bus.execute(new AttachBlueprintCommand(p.id, env, id, version, meta()));
    }
    if (p.cryptoPipeline) await bus.execute(new SetCryptoPipelineCommand(p.id, 'crypto-lib', 1, meta()));
  }
}
