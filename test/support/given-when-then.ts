import assert from 'node:assert/strict';
import type { Decider, DomainEvent } from '../../src/domain/decider.js';
import { LedgerError } from '../../src/domain/errors.js';

/** given(events).when(command).then(expected events) / .thenFails(code): emmett-style decider specs. */
export function specFor<C, E extends DomainEvent, S>(decider: Decider<C, E, S>) {
  return (given: readonly E[]) => ({
    when: (command: C) => {
      const run = (): readonly E[] => decider.decide(command, given.reduce(decider.evolve, decider.initialState));
      return {
        then: (expected: readonly E[]) => assert.deepEqual(run(), expected),
        thenFails: (code: string) =>
          assert.throws(run, (e: unknown) => {
            assert.ok(e instanceof LedgerError, `expected a LedgerError, got ${String(e)}`);
            assert.equal(e.code, code);
            return true;
          }),
      };
    },
  });
}
