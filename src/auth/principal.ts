import { createHash } from 'node:crypto';
import type { ActorKind, CommandMetadata } from '../domain/decider.js';
import { newId } from '../ledger/ids.js';

/** What a principal may do. `auditor` is read-only. */
export const ROLES = ['admin', 'operator', 'worker', 'approver', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** `'*'`: every project; otherwise the project ids the principal may act on. */
export type ProjectScope = '*' | readonly string[];

/** Who is calling: pseudonymous id, roles and project scope. Never a name or an e-mail address. */
export interface Principal {
  readonly actorId: string;
  readonly actorKind: ActorKind;
  readonly roles: readonly Role[];
  readonly projects: ProjectScope;
  /** How the principal authenticated. */
  readonly method: 'oidc' | 'local' | 'apikey';
}

const PROJECT_ID = /^[A-Za-z0-9._:-]{1,200}$/;

export function isProjectId(value: unknown): value is string {
  return typeof value === 'string' && PROJECT_ID.test(value);
}

/**
 * The pseudonymous actor id of a user: `usr:` and 24 hex digits of SHA-256 over issuer and
 * subject. Stable for one account at one issuer; reveals neither.
 */
export function userActorId(issuer: string, subject: string): string {
  return `usr:${createHash('sha256').update(`qledger/actor/v1\n${issuer}\n${subject}`).digest('hex').slice(0, 24)}`;
}

export function hasAnyRole(principal: Principal, roles: readonly Role[]): boolean {
  return principal.roles.some((r) => roles.includes(r));
}

/** True when the principal's scope covers `project` ('*' covers every project). */
export function coversProject(principal: Principal, project: string): boolean {
  return principal.projects === '*' || principal.projects.includes(project);
}

/** Metadata for a command issued by this principal (time and ids made here, at the edge). */
export function commandMetadataFor(
  principal: Principal,
  options: { readonly now?: Date; readonly correlationId?: string; readonly causationId?: string } = {},
): CommandMetadata {
  const now = options.now ?? new Date();
  const commandId = newId(now.getTime());
  return {
    commandId,
    occurredAt: now.toISOString(),
    actor: { id: principal.actorId, kind: principal.actorKind },
    correlationId: options.correlationId ?? commandId,
    causationId: options.causationId ?? commandId,
  };
}
