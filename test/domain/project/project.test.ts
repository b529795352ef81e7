import { describe, it } from 'node:test';
import { projectDecider, type BlueprintFacts, type ProjectEvent } from '../../../src/domain/project/project.js';
import { specFor } from '../../support/given-when-then.js';

const spec = specFor(projectDecider);
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const created: ProjectEvent = {
  type: 'ProjectCreated',
  data: {
    projectId: 'ml-service-123',
    name: 'Churn scoring',
    projectType: 'ml-service',
    repository: 'https://git.example.com/risk/churn.git',
    ownerId: 'team:risk-models',
  },
};
const create = {
  type: 'CreateProject',
  projectId: 'ml-service-123',
  name: 'Churn scoring',
  projectType: 'ml-service',
  repository: 'https://git.example.com/risk/churn.git',
  ownerId: 'team:risk-models',
} as const;
const realtime: BlueprintFacts = {
  id: 'realtime-ml',
  version: 1,
  digest: D1,
  projectTypes: ['ml-service'],
  triggers: ['commit'],
  deprecated: false,
};
const attachedProd: ProjectEvent = {
  type: 'ProjectBlueprintAttached',
  data: { projectId: 'ml-service-123', environment: 'prod', blueprint: { id: 'realtime-ml', version: 1, digest: D1 } },
};
const cryptoLib: BlueprintFacts = {
  id: 'crypto-lib',
  version: 1,
  digest: D2,
  projectTypes: ['crypto-lib'],
  triggers: ['commit', 'key_rotation'],
  deprecated: false,
};
const archived: ProjectEvent = { type: 'ProjectArchived', data: { projectId: 'ml-service-123', reason: 'service retired' } };

describe('project decider (stream project-<id>)', () => {
  it('given nothing, when creating a project with a pseudonymous owner, then ProjectCreated', () => spec([]).when(create).then([created]));

  it('given nothing, when the owner is an e-mail address, then INVALID_PROJECT', () =>
    spec([])
      .when({ ...create, ownerId: 'alice@example.com' })
      .thenFails('INVALID_PROJECT'));

  it('given nothing, when the project type is unknown, then INVALID_PROJECT', () =>
    spec([])
      .when({ ...create, projectType: 'spreadsheet' })
      .thenFails('INVALID_PROJECT'));

  it('given the project, when creating it again identically, then nothing is recorded', () => spec([created]).when(create).then([]));

  it('given the project, when creating it again with another owner, then PROJECT_EXISTS', () =>
    spec([created])
      .when({ ...create, ownerId: 'team:other' })
      .thenFails('PROJECT_EXISTS'));

  it('given the project, when attaching a blueprint for prod, then ProjectBlueprintAttached with its digest', () =>
    spec([created]).when({ type: 'AttachBlueprint', environment: 'prod', blueprint: realtime }).then([attachedProd]));

  it('given the same blueprint attached, when attaching it again, then nothing is recorded', () =>
    spec([created, attachedProd]).when({ type: 'AttachBlueprint', environment: 'prod', blueprint: realtime }).then([]));

  it('given the project, when attaching a blueprint for another project type, then BLUEPRINT_NOT_FOR_PROJECT_TYPE', () =>
    spec([created])
      .when({ type: 'AttachBlueprint', environment: 'prod', blueprint: cryptoLib })
      .thenFails('BLUEPRINT_NOT_FOR_PROJECT_TYPE'));

  it('given the project, when attaching a deprecated blueprint, then BLUEPRINT_DEPRECATED', () =>
    spec([created])
      .when({ type: 'AttachBlueprint', environment: 'prod', blueprint: { ...realtime, deprecated: true } })
      .thenFails('BLUEPRINT_DEPRECATED'));

  it('given the project, when the environment name is invalid, then INVALID_ENVIRONMENT', () =>
    spec([created]).when({ type: 'AttachBlueprint', environment: 'Prod Env', blueprint: realtime }).thenFails('INVALID_ENVIRONMENT'));

  it('given nothing, when attaching a blueprint, then UNKNOWN_PROJECT', () =>
    spec([]).when({ type: 'AttachBlueprint', environment: 'prod', blueprint: realtime }).thenFails('UNKNOWN_PROJECT'));

  it('given a blueprint attached to prod, when detaching it, then ProjectBlueprintDetached', () =>
    spec([created, attachedProd])
      .when({ type: 'DetachBlueprint', environment: 'prod' })
      .then([{ type: 'ProjectBlueprintDetached', data: { projectId: 'ml-service-123', environment: 'prod' } }]));

  it('given the project, when setting a key-rotation blueprint as its crypto pipeline, then ProjectCryptoPipelineSet', () =>
    spec([created])
      .when({ type: 'SetCryptoPipeline', blueprint: cryptoLib })
      .then([
        {
          type: 'ProjectCryptoPipelineSet',
          data: { projectId: 'ml-service-123', blueprint: { id: 'crypto-lib', version: 1, digest: D2 } },
        },
      ]));

  it('given the project, when the crypto pipeline blueprint has no key_rotation trigger, then BLUEPRINT_NOT_FOR_KEY_ROTATION', () =>
    spec([created]).when({ type: 'SetCryptoPipeline', blueprint: realtime }).thenFails('BLUEPRINT_NOT_FOR_KEY_ROTATION'));

  it('given the project, when archiving it, then ProjectArchived', () =>
    spec([created]).when({ type: 'ArchiveProject', reason: 'service retired' }).then([archived]));

  it('given an archived project, when attaching a blueprint, then PROJECT_ARCHIVED', () =>
    spec([created, archived]).when({ type: 'AttachBlueprint', environment: 'prod', blueprint: realtime }).thenFails('PROJECT_ARCHIVED'));

  it('given an archived project, when archiving again, then PROJECT_ARCHIVED', () =>
    spec([created, archived]).when({ type: 'ArchiveProject', reason: 'again' }).thenFails('PROJECT_ARCHIVED'));
});
