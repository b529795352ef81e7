import type { Decider } from '../decider.js';
import { IllegalState, ValidationError } from '../errors.js';

/**
 * Signed checkpoints of the global Merkle log, stream `ledger-checkpoints` (its events are not
 * leaves). The Merkle and signature work happens outside: the sealer computes the root, checks
 * consistency with the previous checkpoint and signs the note; here only the order rules live.
 */
export const CHECKPOINT_STREAM = 'ledger-checkpoints';

export type CheckpointCommand = {
  readonly type: 'SealCheckpoint';
  readonly size: number;
  /** Standard base64 of the 32-byte RFC 9162 root hash. */
  readonly root: string;
  /** The C2SP signed note of the checkpoint. */
  readonly note: string;
};

export type CheckpointEvent = {
  readonly type: 'CheckpointSealed';
  readonly data: { readonly size: number; readonly root: string; readonly note: string };
};

export interface CheckpointState {
  /** Tree size of the latest checkpoint, 0 before the first. */
  readonly size: number;
  readonly root: string | undefined;
  readonly count: number;
}

const ROOT = /^[A-Za-z0-9+/]{43}=$/;

export const checkpoints: Decider<CheckpointCommand, CheckpointEvent, CheckpointState> = {
  initialState: { size: 0, root: undefined, count: 0 },

  evolve(state, event) {
    return { size: event.data.size, root: event.data.root, count: state.count + 1 };
  },

  decide(command, state) {
    if (!Number.isSafeInteger(command.size) || command.size < 1) {
      throw new ValidationError('INVALID_CHECKPOINT', `a checkpoint covers at least one leaf (got size ${command.size})`, [
        { path: 'size', message: 'expected an integer >= 1' },
      ]);
    }
    if (!ROOT.test(command.root)) {
      throw new ValidationError('INVALID_CHECKPOINT', 'a checkpoint root is the standard base64 of 32 bytes', [
        { path: 'root', message: 'expected 44 characters of standard base64' },
      ]);
    }
    if (command.note.length === 0 || !command.note.includes(`\n${command.size}\n${command.root}\n`)) {
      throw new ValidationError('INVALID_CHECKPOINT', 'the checkpoint note must state the same size and root', [
        { path: 'note', message: 'expected a signed note whose body is <origin>\\n<size>\\n<root>\\n' },
      ]);
    }
    if (command.size < state.size) {
      throw new IllegalState(
        'CHECKPOINT_REGRESSION',
        `checkpoint size ${command.size} is below the latest checkpoint's size ${state.size}: the log never shrinks`,
      );
    }
    if (command.size === state.size) {
      if (command.root === state.root) return []; // already sealed: nothing new
      throw new IllegalState(
        'CHECKPOINT_FORK',
        `a different root for tree size ${command.size} than the latest checkpoint's: the log was forked; stop and investigate`,
      );
    }
    return [{ type: 'CheckpointSealed', data: { size: command.size, root: command.root, note: command.note } }];
  },
};
