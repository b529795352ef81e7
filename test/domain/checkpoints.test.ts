import { describe, it } from 'node:test';
import { checkpoints, type CheckpointEvent } from '../../src/domain/checkpoints/checkpoints.js';
import { specFor } from '../support/given-when-then.js';

const spec = specFor(checkpoints);
const R1 = `${'A'.repeat(43)}=`;
const R2 = `${'B'.repeat(43)}=`;
const note = (size: number, root: string): string => `o.example/l\n${size}\n${root}\n\n\u2014 o.example/l AAAA\n`;
const sealed = (size: number, root: string): CheckpointEvent => ({
  type: 'CheckpointSealed',
  data: { size, root, note: note(size, root) },
});

describe('checkpoints decider', () => {
  it('given nothing, when sealing size 3, then CheckpointSealed', () =>
    spec([])
      .when({ type: 'SealCheckpoint', size: 3, root: R1, note: note(3, R1) })
      .then([sealed(3, R1)]));

  it('given size 3, when sealing size 5, then CheckpointSealed', () =>
    spec([sealed(3, R1)])
      .when({ type: 'SealCheckpoint', size: 5, root: R2, note: note(5, R2) })
      .then([sealed(5, R2)]));

  it('given size 3, when sealing the same size and root again, then nothing new', () =>
    spec([sealed(3, R1)])
      .when({ type: 'SealCheckpoint', size: 3, root: R1, note: note(3, R1) })
      .then([]));

  it('given size 3, when sealing size 3 with another root, then CHECKPOINT_FORK', () =>
    spec([sealed(3, R1)])
      .when({ type: 'SealCheckpoint', size: 3, root: R2, note: note(3, R2) })
      .thenFails('CHECKPOINT_FORK'));

  it('given size 5, when sealing size 3, then CHECKPOINT_REGRESSION', () =>
    spec([sealed(5, R1)])
      .when({ type: 'SealCheckpoint', size: 3, root: R2, note: note(3, R2) })
      .thenFails('CHECKPOINT_REGRESSION'));

  it('given nothing, when sealing size 0, a bad root or a note of other numbers, then INVALID_CHECKPOINT', () => {
    spec([])
      .when({ type: 'SealCheckpoint', size: 0, root: R1, note: note(0, R1) })
      .thenFails('INVALID_CHECKPOINT');
    spec([])
      .when({ type: 'SealCheckpoint', size: 2, root: 'abc', note: note(2, 'abc') })
      .thenFails('INVALID_CHECKPOINT');
    spec([])
      .when({ type: 'SealCheckpoint', size: 2, root: R1, note: note(3, R1) })
      .thenFails('INVALID_CHECKPOINT');
  });
});
