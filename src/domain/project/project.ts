import type { Decider } from '../decider.js';
import { DIGEST } from '../digest.js';
import { IllegalState, ValidationError } from '../errors.js';
import { PROJECT_TYPES } from '../blueprint/types.js';

/** Stream of one project: `project-<id>`. */
export const projectStream = (id: string): string => `project-${id}`;

/**
 * What the edge read from the blueprint's stream about the version it attaches: the domain
 * checks it fits the project (type, trigger, not deprecated) without reading another stream.
 */
export interface BlueprintFacts {
  readonly id: string;
  readonly version: number;
  readonly digest: string;
  readonly projectTypes: readonly string[];
  readonly triggers: readonly string[];
  readonly deprecated: boolean;
}

export interface BlueprintRef {
  readonly id: string;
  readonly version: number;
  readonly digest: string;
}

export type ProjectCommand =
  | {
      readonly type: 'CreateProject';
      readonly projectId: string;
      readonly name: string;
      readonly projectType: string;
      readonly repository: string | null;
      /** A pseudonymous owner (squad or person) id, e.g. `team:risk-models`, never a name or e-mail. */
      readonly ownerId: string;
    }
  | { readonly type: 'AttachBlueprint'; readonly environment: string; readonly blueprint: BlueprintFacts }
  | { readonly type: 'DetachBlueprint'; readonly environment: string }
  | { readonly type: 'SetCryptoPipeline'; readonly blueprint: BlueprintFacts }
  | { readonly type: 'ArchiveProject'; readonly reason: string };

export type ProjectEvent =
  | {
      readonly type: 'ProjectCreated';
      readonly data: {
        readonly projectId: string;
        readonly name: string;
        readonly projectType: string;
        readonly repository: string | null;
        readonly ownerId: string;
      };
    }
  | {
      readonly type: 'ProjectBlueprintAttached';
      readonly data: { readonly projectId: string; readonly environment: string; readonly blueprint: BlueprintRef };
    }
  | { readonly type: 'ProjectBlueprintDetached'; readonly data: { readonly projectId: string; readonly environment: string } }
  | { readonly type: 'ProjectCryptoPipelineSet'; readonly data: { readonly projectId: string; readonly blueprint: BlueprintRef } }
  | { readonly type: 'ProjectArchived'; readonly data: { readonly projectId: string; readonly reason: string } };

export interface ProjectState {
  readonly id: string | undefined;
  readonly projectType: string | undefined;
  readonly ownerId: string | undefined;
  /** environment -> the blueprint version its runs use */
  readonly blueprints: ReadonlyMap<string, BlueprintRef>;
  /** The blueprint a rotation of one of the project's managed keys triggers (seed 000 RF03). */
  readonly cryptoPipeline: BlueprintRef | undefined;
  readonly archived: boolean;
}

export const PROJECT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const ENVIRONMENT = /^[a-z][a-z0-9-]{0,31}$/;
/** Pseudonymous principal ids: a kind prefix and an opaque id. No '@', no spaces. */
export const OWNER_ID = /^(usr|svc|team|squad|grp):[A-Za-z0-9._-]{1,64}$/;

export const projectDecider: Decider<ProjectCommand, ProjectEvent, ProjectState> = {
  initialState: {
    id: undefined,
    projectType: undefined,
    ownerId: undefined,
    blueprints: new Map(),
    cryptoPipeline: undefined,
    archived: false,
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ProjectCreated':
        return { ...state, id: event.data.projectId, projectType: event.data.projectType, ownerId: event.data.ownerId };
      case 'ProjectBlueprintAttached':
        return { ...state, blueprints: new Map(state.blueprints).set(event.data.environment, event.data.blueprint) };
      case 'ProjectBlueprintDetached': {
        const blueprints = new Map(state.blueprints);
        blueprints.delete(event.data.environment);
        return { ...state, blueprints };
      }
      case 'ProjectCryptoPipelineSet':
        return { ...state, cryptoPipeline: event.data.blueprint };
      case 'ProjectArchived':
        return { ...state, archived: true };
    }
  },

  decide(command, state) {
    if (command.type === 'CreateProject') return create(command, state);
    const id = state.id;
    if (id === undefined) throw new IllegalState('UNKNOWN_PROJECT', 'the project does not exist: create it first (CreateProject)');
    if (state.archived) throw new IllegalState('PROJECT_ARCHIVED', `project ${id} is archived: it accepts no more changes`);
    switch (command.type) {
      case 'AttachBlueprint': {
        environment(command.environment);
        const ref = fitting(command.blueprint, state);
        const current = state.blueprints.get(command.environment);
        if (current && current.id === ref.id && current.version === ref.version && current.digest === ref.digest) return [];
        return [{ type: 'ProjectBlueprintAttached', data: { projectId: id, environment: command.environment, blueprint: ref } }];
      }
      case 'DetachBlueprint':
        environment(command.environment);
        if (!state.blueprints.has(command.environment)) return [];
        return [{ type: 'ProjectBlueprintDetached', data: { projectId: id, environment: command.environment } }];
      case 'SetCryptoPipeline': {
        // Any project type: a key rotation pipeline checks the keys, whatever the project builds.
        const ref = fitting(command.blueprint, state, false);
        if (!command.blueprint.triggers.includes('key_rotation')) {
          throw new ValidationError(
            'BLUEPRINT_NOT_FOR_KEY_ROTATION',
            `blueprint ${ref.id} v${ref.version} does not declare the key_rotation trigger: add it to its triggers in a new version`,
            [{ path: 'blueprint.triggers', message: 'expected key_rotation among the triggers' }],
          );
        }
        const c = state.cryptoPipeline;
        if (c && c.id === ref.id && c.version === ref.version && c.digest === ref.digest) return [];
        return [{ type: 'ProjectCryptoPipelineSet', data: { projectId: id, blueprint: ref } }];
      }
      case 'ArchiveProject':
        if (command.reason.trim() === '' || command.reason.length > 500) {
          throw new ValidationError('INVALID_REASON', 'archiving needs a reason of 1 to 500 characters', [
            { path: 'reason', message: '1 to 500 characters' },
          ]);
        }
        return [{ type: 'ProjectArchived', data: { projectId: id, reason: command.reason } }];
    }
  },
};

function create(c: Extract<ProjectCommand, { type: 'CreateProject' }>, state: ProjectState): ProjectEvent[] {
  const problems: { path: string; message: string }[] = [];
  if (!PROJECT_ID.test(c.projectId))
    problems.push({ path: 'projectId', message: 'expected 1-64 of a-z 0-9 . _ - starting with a letter or digit, e.g. ml-service-123' });
  if (c.name.trim() === '' || c.name.length > 200) problems.push({ path: 'name', message: 'expected 1 to 200 characters' });
  if (!(PROJECT_TYPES as readonly string[]).includes(c.projectType))
    problems.push({ path: 'projectType', message: `expected one of ${PROJECT_TYPES.join(', ')}` });
  if (c.repository !== null && (c.repository.length > 500 || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(c.repository))) {
    problems.push({ path: 'repository', message: 'expected a repository URL, e.g. https://git.example.com/team/repo.git' });
  }
  if (!OWNER_ID.test(c.ownerId))
    problems.push({ path: 'ownerId', message: 'expected a pseudonymous id such as team:risk-models or usr:7f3a (never a name or e-mail)' });
  if (problems.length > 0) {
    const p = problems[0] as (typeof problems)[number];
    throw new ValidationError('INVALID_PROJECT', `project ${p.path}: ${p.message}`, problems);
  }
  if (state.id !== undefined) {
    const same = state.projectType === c.projectType && state.ownerId === c.ownerId && state.id === c.projectId;
    if (same) return [];
    throw new IllegalState('PROJECT_EXISTS', `project ${state.id} already exists: choose another id`);
  }
  return [
    {
      type: 'ProjectCreated',
      data: { projectId: c.projectId, name: c.name, projectType: c.projectType, repository: c.repository, ownerId: c.ownerId },
    },
  ];
}

function environment(env: string): void {
  if (!ENVIRONMENT.test(env)) {
    throw new ValidationError(
      'INVALID_ENVIRONMENT',
      `environment "${env.slice(0, 40)}" is invalid: expected a lowercase name such as dev, staging or prod`,
      [{ path: 'environment', message: 'expected a lowercase name such as dev, staging or prod' }],
    );
  }
}

function fitting(b: BlueprintFacts, state: ProjectState, checkType = true): BlueprintRef {
  if (!DIGEST.test(b.digest)) {
    throw new ValidationError('INVALID_DIGEST', `blueprint digest must be sha256:<64 hex> (got "${b.digest.slice(0, 80)}")`, [
      { path: 'blueprint.digest', message: 'expected sha256:<64 hex>' },
    ]);
  }
  if (b.deprecated) {
    throw new IllegalState('BLUEPRINT_DEPRECATED', `blueprint ${b.id} v${b.version} is deprecated: attach a current version`);
  }
  if (checkType && state.projectType !== undefined && !b.projectTypes.includes(state.projectType)) {
    throw new ValidationError(
      'BLUEPRINT_NOT_FOR_PROJECT_TYPE',
      `blueprint ${b.id} v${b.version} targets project types ${b.projectTypes.join(', ')}, not ${state.projectType}: choose a blueprint for ${state.projectType}`,
      [{ path: 'blueprint.projectTypes', message: `expected ${state.projectType} among them` }],
    );
  }
  return { id: b.id, version: b.version, digest: b.digest };
}
