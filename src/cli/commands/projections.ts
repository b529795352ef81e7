import type { Output } from '../context.js';

export async function projectionsCommand(_argv: readonly string[], io: Output): Promise<number> {
  io.err('qledger: projections: not yet');
  return 1;
}
