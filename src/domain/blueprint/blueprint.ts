import type { Decider } from '../decider.js';
import { contentDigest } from '../digest.js';
import { IllegalState, NotFound, ValidationError } from '../errors.js';
import type { BlueprintDefinition } from './types.js';
import { semanticProblems } from './validate.js';

/** Stream of one blueprint and all its versions: `blueprint-<id>`. */
export const blueprintStream = (id: string): string => `blueprint-${id}`;

export type BlueprintCommand =
  | { readonly type: 'RegisterBlueprintVersion'; readonly definition: BlueprintDefinition }
  | {
      readonly type: 'DeprecateBlueprintVersion';
      readonly blueprintId: string;
      readonly version: number;
      readonly reason: string;
      readonly replacedBy: number | null;
    };

export type BlueprintEvent =
  | {
      readonly type: 'BlueprintVersionRegistered';
      readonly data: {
        readonly blueprintId: string;
        readonly version: number;
        /** sha256:<hex> of the RFC 8785 canonical JSON of `definition`. */
        readonly digest: string;
        readonly definition: BlueprintDefinition;
      };
    }
  | {
      readonly type: 'BlueprintVersionDeprecated';
      readonly data: {
        readonly blueprintId: string;
        readonly version: number;
        readonly reason: string;
        readonly replacedBy: number | null;
      };
    };

export interface BlueprintVersionState {
  readonly digest: string;
  readonly definition: BlueprintDefinition;
  readonly deprecated: boolean;
}

export interface BlueprintState {
  readonly id: string | undefined;
  readonly versions: ReadonlyMap<number, BlueprintVersionState>;
}

export const blueprintDecider: Decider<BlueprintCommand, BlueprintEvent, BlueprintState> = {
  initialState: { id: undefined, versions: new Map() },

  evolve(state, event) {
    const versions = new Map(state.versions);
    switch (event.type) {
      case 'BlueprintVersionRegistered':
        versions.set(event.data.version, { digest: event.data.digest, definition: event.data.definition, deprecated: false });
        return { id: event.data.blueprintId, versions };
      case 'BlueprintVersionDeprecated': {
        const v = versions.get(event.data.version);
        if (v) versions.set(event.data.version, { ...v, deprecated: true });
        return { ...state, versions };
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterBlueprintVersion':
        return register(command.definition, state);
      case 'DeprecateBlueprintVersion':
        return deprecate(command, state);
    }
  },
};

function register(definition: BlueprintDefinition, state: BlueprintState): BlueprintEvent[] {
  const problems = semanticProblems(definition);
  if (problems.length > 0) {
    const first = problems[0] as (typeof problems)[number];
    throw new ValidationError(
      'INVALID_BLUEPRINT',
      `blueprint ${definition.id} v${definition.version} is invalid: ${first.path.join('.')}: ${first.message} (qledger blueprints validate FILE shows every problem)`,
      problems.map((p) => ({ path: p.path.join('.'), message: p.message })),
    );
  }
  if (state.id !== undefined && state.id !== definition.id) {
    throw new ValidationError('BLUEPRINT_ID_MISMATCH', `stream of blueprint ${state.id} cannot hold blueprint ${definition.id}`, [
      { path: 'id', message: `expected ${state.id}` },
    ]);
  }
  const digest = contentDigest(definition, 'blueprint');
  const existing = state.versions.get(definition.version);
  if (existing) {
    if (existing.digest === digest) return []; // the same content again: nothing to record
    throw new IllegalState(
      'BLUEPRINT_VERSION_CONFLICT',
      `blueprint ${definition.id} version ${definition.version} is already registered with different content (${existing.digest}, this is ${digest}): a changed blueprint needs a new version number`,
      { registeredDigest: existing.digest, digest },
    );
  }
  return [{ type: 'BlueprintVersionRegistered', data: { blueprintId: definition.id, version: definition.version, digest, definition } }];
}

function deprecate(c: Extract<BlueprintCommand, { type: 'DeprecateBlueprintVersion' }>, state: BlueprintState): BlueprintEvent[] {
  const v = state.versions.get(c.version);
  if (state.id === undefined || !v) {
    throw new NotFound(
      'UNKNOWN_BLUEPRINT_VERSION',
      `blueprint ${c.blueprintId} has no version ${c.version}: see qledger blueprints register`,
    );
  }
  if (c.reason.trim() === '' || c.reason.length > 500) {
    throw new ValidationError('INVALID_REASON', 'a deprecation needs a reason of 1 to 500 characters', [
      { path: 'reason', message: '1 to 500 characters' },
    ]);
  }
  if (c.replacedBy !== null) {
    const r = state.versions.get(c.replacedBy);
    if (!r || r.deprecated || c.replacedBy === c.version) {
      throw new ValidationError(
        'INVALID_REPLACEMENT',
        `replacedBy must name another registered, not deprecated version of blueprint ${c.blueprintId} (got ${c.replacedBy})`,
        [{ path: 'replacedBy', message: 'expected another registered, not deprecated version' }],
      );
    }
  }
  if (v.deprecated) return [];
  return [
    { type: 'BlueprintVersionDeprecated', data: { blueprintId: state.id, version: c.version, reason: c.reason, replacedBy: c.replacedBy } },
  ];
}
