/**
 * Stream categories (`<category>-<id>`). The store refuses any other category, so a typo
 * cannot create a stream no projection will ever read.
 */
export const STREAM_CATEGORIES = [
  'ledger', // ledger-keys, ledger-checkpoints
  'project',
  'blueprint',
  'run',
  'decision',
  'mkey', // governed (managed) keys of projects
  'evidence',
  'model', // model registry: versions by digest, approvals per stage, revocations (seed 003 gate)
  'batch', // batch inference jobs: one manifest per input partition (seed 003)
] as const;

export type StreamCategory = (typeof STREAM_CATEGORIES)[number];
