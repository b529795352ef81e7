import { readFileSync } from 'node:fs';
import { parseBlueprint, type LoadedBlueprint } from '../../src/blueprints/load.js';

/** The repository root, from dist/test/blueprints/. */
export const REPO_ROOT = new URL('../../../', import.meta.url).pathname;

export const BLUEPRINT_FILES = ['ds-batch', 'realtime-ml', 'crypto-lib', 'api-secure', 'ds-ia-crypto', 'batch-inference'] as const;

/** A blueprint of blueprints/, parsed and validated as `qledger blueprints register` does. */
export function repoBlueprint(name: string): LoadedBlueprint {
  const file = `blueprints/${name}.yaml`;
  return parseBlueprint(readFileSync(`${REPO_ROOT}${file}`, 'utf8'), file);
}

export function repoBlueprintText(name: string): string {
  return readFileSync(`${REPO_ROOT}blueprints/${name}.yaml`, 'utf8');
}
