import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blueprintDecider, type BlueprintEvent } from '../../../src/domain/blueprint/blueprint.js';
import type { BlueprintDefinition } from '../../../src/domain/blueprint/types.js';
import { contentDigest } from '../../../src/domain/digest.js';
import { IllegalState } from '../../../src/domain/errors.js';
import { repoBlueprint } from '../../blueprints/fixtures.js';
import { specFor } from '../../support/given-when-then.js';

const spec = specFor(blueprintDecider);
const v1 = repoBlueprint('ds-ia-crypto').definition;
const digest1 = contentDigest(v1);
const registered: BlueprintEvent = {
  type: 'BlueprintVersionRegistered',
  data: { blueprintId: 'ds-ia-crypto', version: 1, digest: digest1, definition: v1 },
};
const v2: BlueprintDefinition = { ...v1, version: 2, description: 'v2: stricter' };
const registeredV2: BlueprintEvent = {
  type: 'BlueprintVersionRegistered',
  data: { blueprintId: 'ds-ia-crypto', version: 2, digest: contentDigest(v2), definition: v2 },
};

describe('blueprint decider (stream blueprint-<id>)', () => {
  it('given nothing, when registering version 1, then its digest and definition are recorded', () =>
    spec([]).when({ type: 'RegisterBlueprintVersion', definition: v1 }).then([registered]));

  it('the digest is sha256 of the RFC 8785 canonical JSON: key order does not change it, content does', () => {
    const reordered = Object.fromEntries(Object.entries(v1).reverse()) as unknown as BlueprintDefinition;
    assert.equal(contentDigest(reordered), digest1);
    assert.match(digest1, /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(contentDigest({ ...v1, description: 'x' }), digest1);
  });

  it('given version 1, when registering the same content again, then nothing is recorded (idempotent)', () =>
    spec([registered])
      .when({ type: 'RegisterBlueprintVersion', definition: structuredClone(v1) })
      .then([]));

  it('given version 1, when registering different content as version 1, then BLUEPRINT_VERSION_CONFLICT naming both digests', () => {
    const changed: BlueprintDefinition = { ...v1, description: 'changed in place' };
    spec([registered]).when({ type: 'RegisterBlueprintVersion', definition: changed }).thenFails('BLUEPRINT_VERSION_CONFLICT');
    assert.throws(
      () =>
        blueprintDecider.decide(
          { type: 'RegisterBlueprintVersion', definition: changed },
          blueprintDecider.evolve(blueprintDecider.initialState, registered),
        ),
      (e: unknown) => e instanceof IllegalState && e.message.includes(digest1) && e.message.includes(contentDigest(changed)),
    );
  });

  it('given version 1, when registering version 2, then version 2 is recorded', () =>
    spec([registered]).when({ type: 'RegisterBlueprintVersion', definition: v2 }).then([registeredV2]));

  it('given another blueprint in the stream, when registering a different id, then BLUEPRINT_ID_MISMATCH', () =>
    spec([registered])
      .when({ type: 'RegisterBlueprintVersion', definition: { ...v1, id: 'other' } })
      .thenFails('BLUEPRINT_ID_MISMATCH'));

  it('given nothing, when registering a blueprint whose stages form a cycle, then INVALID_BLUEPRINT', () => {
    const stages = v1.stages.map((s, i) => (i === 0 ? { ...s, depends_on: ['pre_deploy'] } : s));
    spec([])
      .when({ type: 'RegisterBlueprintVersion', definition: { ...v1, stages } })
      .thenFails('INVALID_BLUEPRINT');
  });

  it('given nothing, when registering a blueprint whose approval rule does not compile, then INVALID_BLUEPRINT', () => {
    const policies = { approval: { conditions: [{ name: 'x', rule: 'coverage >=', message: 'm', recommendation: 'r' }] } };
    spec([])
      .when({ type: 'RegisterBlueprintVersion', definition: { ...v1, policies } })
      .thenFails('INVALID_BLUEPRINT');
  });

  it('given versions 1 and 2, when deprecating 1 in favour of 2, then BlueprintVersionDeprecated', () =>
    spec([registered, registeredV2])
      .when({ type: 'DeprecateBlueprintVersion', blueprintId: 'ds-ia-crypto', version: 1, reason: 'coverage rule too weak', replacedBy: 2 })
      .then([
        {
          type: 'BlueprintVersionDeprecated',
          data: { blueprintId: 'ds-ia-crypto', version: 1, reason: 'coverage rule too weak', replacedBy: 2 },
        },
      ]));

  it('given a deprecated version, when deprecating it again, then nothing is recorded', () =>
    spec([
      registered,
      { type: 'BlueprintVersionDeprecated', data: { blueprintId: 'ds-ia-crypto', version: 1, reason: 'r', replacedBy: null } },
    ])
      .when({ type: 'DeprecateBlueprintVersion', blueprintId: 'ds-ia-crypto', version: 1, reason: 'again', replacedBy: null })
      .then([]));

  it('given version 1, when deprecating version 3, then UNKNOWN_BLUEPRINT_VERSION', () =>
    spec([registered])
      .when({ type: 'DeprecateBlueprintVersion', blueprintId: 'ds-ia-crypto', version: 3, reason: 'r', replacedBy: null })
      .thenFails('UNKNOWN_BLUEPRINT_VERSION'));

  it('given version 1, when deprecating it in favour of itself, then INVALID_REPLACEMENT', () =>
    spec([registered])
      .when({ type: 'DeprecateBlueprintVersion', blueprintId: 'ds-ia-crypto', version: 1, reason: 'r', replacedBy: 1 })
      .thenFails('INVALID_REPLACEMENT'));

  it('given version 1, when deprecating without a reason, then INVALID_REASON', () =>
    spec([registered])
      .when({ type: 'DeprecateBlueprintVersion', blueprintId: 'ds-ia-crypto', version: 1, reason: ' ', replacedBy: null })
      .thenFails('INVALID_REASON'));
});
