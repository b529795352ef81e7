import type * as NodeCryptoModule from 'node:crypto';

export type NodeCrypto = typeof NodeCryptoModule;

interface ProcessWithBuiltins {
  getBuiltinModule?: (id: string) => unknown;
}

/**
 * node:crypto when running on Node (or a runtime that provides it), else undefined. Loaded with
 * process.getBuiltinModule so that the format library still loads where there is no node:crypto
 * (browsers, edge workers) and falls back to @noble/hashes and @noble/ed25519 there.
 */
export const nodeCrypto: NodeCrypto | undefined = loadNodeCrypto();

function loadNodeCrypto(): NodeCrypto | undefined {
  const proc = (globalThis as { process?: ProcessWithBuiltins }).process;
  try {
    const mod = proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
    return typeof mod?.createHash === 'function' ? mod : undefined;
  } catch {
    return undefined;
  }
}
