import { createHash } from 'node:crypto';
import { loadBlueprintFile } from '../../src/blueprints/load.js';
import type { BlueprintDefinition } from '../../src/domain/blueprint/types.js';
import { registerBlueprints, setUpProject } from '../support/catalog.js';
import type { Ledger } from '../../src/ledger/open-ledger.js';

export interface Reply {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/** One real HTTP request with a bearer token; JSON in and out. */
export async function http(
  base: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } };
  if (body instanceof Uint8Array) {
    init.body = body;
    (init.headers as Record<string, string>)['content-type'] ??= 'application/octet-stream';
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

/** Polls until `probe` returns a value (not undefined), or fails after `ms` with the last value seen. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const sha256Hex = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** ds-ia-crypto as seed 000 §7.1 writes it, plus (v2) one human approval in production. */
export async function dsIaCrypto(): Promise<{ v1: BlueprintDefinition; v2: BlueprintDefinition }> {
  const v1 = (await loadBlueprintFile('blueprints/ds-ia-crypto.yaml')).definition;
  const v2: BlueprintDefinition = {
    ...v1,
    version: 2,
    policies: { approval: { ...v1.policies.approval, human_approval: { roles: ['approver'], quorum: { production: 1 } } } },
  };
  return { v1, v2 };
}

/** Project ml-service-123 running ds-ia-crypto v2 in production. */
export async function seedProject(ledger: Ledger, projectId = 'ml-service-123'): Promise<void> {
  const { v1, v2 } = await dsIaCrypto();
  await registerBlueprints(ledger, [v1, v2]);
  await setUpProject(ledger, {
    projectId,
    name: 'Fraud scoring service',
    projectType: 'ml-service',
    ownerId: 'team:risk-models',
    blueprints: { production: ['ds-ia-crypto', 2] },
  });
}
