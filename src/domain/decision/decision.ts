import type { Decider } from '../decider.js';
import { Forbidden, IllegalState, NotFound, ValidationError } from '../errors.js';
import { DIGEST_PATTERN, approvalProblems, quorumFor, type JsonValue } from '../run/plan.js';
import { epochMs, requireTime } from '../run/time.js';
import { ENTITY_ID, PRINCIPAL_ID, environmentOk, fail, text } from '../run/validate.js';
import type { DecisionCommand, DecisionEvent, DecisionState, WaiverState, WaiverTarget } from './types.js';

/** Longest a waiver may last: an exception is temporary by design. */
export const MAX_WAIVER_DAYS = 90;
const WAIVER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const VERDICTS = new Set(['APPROVED', 'REJECTED', 'NEEDS_APPROVAL']);

const initialState: DecisionState = { status: 'NONE', quorum: 0, approvals: new Map(), waivers: new Map() };

function evolve(state: DecisionState, event: DecisionEvent): DecisionState {
  const setWaiver = (id: string, patch: Partial<WaiverState>) => {
    const old = state.waivers.get(id) as WaiverState;
    return { ...state, waivers: new Map(state.waivers).set(id, { ...old, ...patch }) };
  };
  switch (event.type) {
    case 'DecisionOpened': {
      const d = event.data;
      return {
        ...state,
        status: 'PENDING',
        runId: d.runId,
        environment: d.environment,
        initiator: d.initiator,
        approval: d.approval,
        quorum: d.quorum,
        blueprintDigest: d.blueprintDigest,
      };
    }
    case 'PolicyEvaluated':
      return {
        ...state,
        evaluation: { verdict: event.data.verdict, policyDigest: event.data.policyDigest, waiverIds: event.data.waiverIds },
      };
    case 'ApprovalGranted':
      return { ...state, approvals: new Map(state.approvals).set(event.data.approver, event.data.role) };
    case 'DecisionVetoed':
      return state;
    case 'WaiverGranted': {
      const d = event.data;
      const w: WaiverState = {
        target: d.target,
        grantedBy: d.grantedBy,
        justification: d.justification,
        expiresAt: d.expiresAt,
        status: 'ACTIVE',
      };
      return { ...state, waivers: new Map(state.waivers).set(d.waiverId, w) };
    }
    case 'WaiverRevoked':
      return setWaiver(event.data.waiverId, { status: 'REVOKED' });
    case 'WaiverExpired':
      return setWaiver(event.data.waiverId, { status: 'EXPIRED' });
    case 'DecisionApproved':
      return { ...state, status: 'APPROVED' };
    case 'DecisionRejected':
      return { ...state, status: 'REJECTED' };
  }
}

/** A waiver the engine may honour at `at`: granted, neither revoked nor expired, and before its expiry. */
export function waiverActive(w: WaiverState | undefined, at: string): boolean {
  return w !== undefined && w.status === 'ACTIVE' && requireTime(at, 'at') < requireTime(w.expiresAt, 'expiresAt');
}

/** Human approvals needed: the environment's quorum, and at least one when the policy asks for a human. */
export function approvalsNeeded(state: DecisionState): number {
  return Math.max(state.quorum, state.evaluation?.verdict === 'NEEDS_APPROVAL' ? 1 : 0);
}

/** Whether the decision can be APPROVED at `at`, and why (not). Pure. */
export function assess(state: DecisionState, at: string): { readonly approvable: boolean; readonly reasons: readonly string[] } {
  const blockers: string[] = [];
  const ev = state.evaluation;
  if (!ev) blockers.push('no policy evaluation is recorded');
  else {
    if (ev.verdict === 'REJECTED') blockers.push(`the policy (${ev.policyDigest}) rejected the run`);
    for (const id of ev.waiverIds) {
      if (!waiverActive(state.waivers.get(id), at)) {
        blockers.push(`the policy evaluation relied on waiver ${id}, which is no longer active: evaluate the policy again`);
      }
    }
  }
  const needed = approvalsNeeded(state);
  if (state.approvals.size < needed) blockers.push(`${state.approvals.size} of ${needed} approvals`);
  if (needed > 0) {
    const roles = new Set(state.approvals.values());
    for (const role of state.approval?.requiredRoles ?? []) {
      if (!roles.has(role)) blockers.push(`no approval by role ${role}`);
    }
  }
  if (blockers.length > 0) return { approvable: false, reasons: blockers };
  const approvers = [...state.approvals].map(([who, role]) => `${who} (${role})`);
  return {
    approvable: true,
    reasons: [
      `policy ${ev?.verdict} (${ev?.policyDigest})`,
      approvers.length > 0 ? `approved by ${approvers.join(', ')}` : `no human approval required in ${state.environment}`,
    ],
  };
}

function decide(command: DecisionCommand, state: DecisionState): DecisionEvent[] {
  const at = command.at;
  requireTime(at, 'at');
  if (!PRINCIPAL_ID.test(command.actor)) {
    throw new ValidationError('INVALID_ACTOR', 'the actor must be a pseudonymous principal id such as usr:7f3a', [
      { path: 'actor', message: 'expected <kind>:<id>' },
    ]);
  }
  if (command.type === 'OpenDecision') return open(command, state);
  if (state.status === 'NONE')
    throw new NotFound('DECISION_NOT_OPEN', 'no decision is open for this run: the run must await its decision first');
  if (state.status !== 'PENDING') {
    throw new IllegalState(
      'DECISION_FINAL',
      `the decision on run ${state.runId} is final (${state.status}): request a new run to decide again`,
    );
  }
  const runId = state.runId as string;
  switch (command.type) {
    case 'RecordPolicyEvaluation': {
      const c = command;
      const problems = [
        ...(VERDICTS.has(c.verdict) ? [] : [{ path: 'verdict', message: 'APPROVED, REJECTED or NEEDS_APPROVAL' }]),
        ...(isJson(c.explanation, 0) ? [] : [{ path: 'explanation', message: 'a JSON value (no undefined, NaN or cycles)' }]),
        ...(['blueprintDigest', 'policyDigest', 'inputsDigest'] as const)
          .filter((k) => !DIGEST_PATTERN.test(c[k]))
          .map((k) => ({ path: k, message: 'expected sha256:<64 hex>' })),
        ...(text(c.engineVersion, 1, 100) ? [] : [{ path: 'engineVersion', message: '1 to 100 characters' }]),
        ...(epochMs(c.evaluatedAt) !== undefined ? [] : [{ path: 'evaluatedAt', message: 'RFC 3339 UTC with milliseconds' }]),
        ...(Array.isArray(c.waiverIds) ? [] : [{ path: 'waiverIds', message: 'an array' }]),
      ];
      if (problems.length > 0) fail('INVALID_POLICY_EVALUATION', 'the policy evaluation is invalid', problems);
      if (c.blueprintDigest !== state.blueprintDigest) {
        throw new IllegalState(
          'BLUEPRINT_MISMATCH',
          `the evaluation is of blueprint ${c.blueprintDigest}, the run's plan is ${state.blueprintDigest}: evaluate the run's own blueprint`,
        );
      }
      for (const id of c.waiverIds) {
        if (!state.waivers.has(id)) throw new NotFound('UNKNOWN_WAIVER', `waiver ${id} was never granted on this decision`);
        if (!waiverActive(state.waivers.get(id), at)) {
          throw new IllegalState('WAIVER_NOT_ACTIVE', `waiver ${id} is no longer active: evaluate again without it`);
        }
      }
      const data = {
        verdict: c.verdict,
        explanation: c.explanation,
        blueprintDigest: c.blueprintDigest,
        policyDigest: c.policyDigest,
        engineVersion: c.engineVersion,
        inputsDigest: c.inputsDigest,
        evaluatedAt: c.evaluatedAt,
        waiverIds: [...c.waiverIds],
        recordedBy: c.actor,
        at,
      };
      return approveIfDue(state, [{ type: 'PolicyEvaluated', data }], at);
    }
    case 'GrantApproval': {
      requireRole(state, command.role);
      separateDuties(state, command.actor, 'approve');
      if (state.approvals.has(command.actor)) {
        throw new IllegalState('ALREADY_APPROVED', `${command.actor} already approved this run: one person counts once`);
      }
      if (typeof command.comment !== 'string' || command.comment.length > 2000) {
        fail('INVALID_COMMENT', 'the approval comment is invalid', [{ path: 'comment', message: 'at most 2000 characters' }]);
      }
      const e: DecisionEvent = {
        type: 'ApprovalGranted',
        data: { approver: command.actor, role: command.role, comment: command.comment, at },
      };
      return approveIfDue(state, [e], at);
    }
    case 'VetoDecision': {
      requireRole(state, command.role);
      if (!text(command.reason, 1, 2000))
        fail('INVALID_REASON', 'a veto needs a reason', [{ path: 'reason', message: '1 to 2000 characters' }]);
      return [
        { type: 'DecisionVetoed', data: { by: command.actor, role: command.role, reason: command.reason, at } },
        { type: 'DecisionRejected', data: { runId, reasons: [`vetoed by ${command.actor} (${command.role}): ${command.reason}`], at } },
      ];
    }
    case 'GrantWaiver': {
      const c = command;
      requireRole(state, c.role);
      separateDuties(state, c.actor, 'waive a check of');
      const problems = [
        ...(WAIVER_ID.test(c.waiverId) ? [] : [{ path: 'waiverId', message: 'letters, digits, . _ : - (1 to 64)' }]),
        ...(targetOk(c.target) ? [] : [{ path: 'target', message: 'exactly one of check, finding or condition' }]),
        ...(text(c.justification, 10, 2000) ? [] : [{ path: 'justification', message: '10 to 2000 characters' }]),
      ];
      if (problems.length > 0) fail('INVALID_WAIVER', 'the waiver is invalid', problems);
      const expires = requireTime(c.expiresAt, 'expiresAt');
      if (expires <= requireTime(at, 'at')) {
        throw new ValidationError('WAIVER_EXPIRY_NOT_FUTURE', `a waiver must expire after now (${at})`, [
          { path: 'expiresAt', message: 'after the time of the command' },
        ]);
      }
      if (expires - requireTime(at, 'at') > MAX_WAIVER_DAYS * 86_400_000) {
        throw new ValidationError('WAIVER_TOO_LONG', `a waiver lasts at most ${MAX_WAIVER_DAYS} days: grant a new one when it expires`, [
          { path: 'expiresAt', message: `at most ${MAX_WAIVER_DAYS} days ahead` },
        ]);
      }
      if (state.waivers.has(c.waiverId)) throw new IllegalState('WAIVER_EXISTS', `waiver ${c.waiverId} already exists: use a new id`);
      return [
        {
          type: 'WaiverGranted',
          data: {
            waiverId: c.waiverId,
            target: c.target,
            grantedBy: c.actor,
            role: c.role,
            justification: c.justification,
            expiresAt: c.expiresAt,
            at,
          },
        },
      ];
    }
    case 'RevokeWaiver': {
      liveWaiver(state, command.waiverId);
      if (!text(command.reason, 1, 2000))
        fail('INVALID_REASON', 'a revocation needs a reason', [{ path: 'reason', message: '1 to 2000 characters' }]);
      return [{ type: 'WaiverRevoked', data: { waiverId: command.waiverId, by: command.actor, reason: command.reason, at } }];
    }
    case 'ExpireWaiver': {
      const w = liveWaiver(state, command.waiverId);
      if (requireTime(at, 'at') < requireTime(w.expiresAt, 'expiresAt')) {
        throw new IllegalState('WAIVER_NOT_EXPIRED', `waiver ${command.waiverId} runs until ${w.expiresAt}`);
      }
      return [{ type: 'WaiverExpired', data: { waiverId: command.waiverId, expiresAt: w.expiresAt, at } }];
    }
    case 'CloseDecision': {
      const a = assess(state, at);
      return [{ type: a.approvable ? 'DecisionApproved' : 'DecisionRejected', data: { runId, reasons: [...a.reasons], at } }];
    }
  }
}

function open(c: Extract<DecisionCommand, { type: 'OpenDecision' }>, state: DecisionState): DecisionEvent[] {
  if (state.status !== 'NONE') throw new IllegalState('DECISION_EXISTS', `a decision on run ${state.runId} is already open`);
  const problems = [
    ...(ENTITY_ID.test(c.runId) ? [] : [{ path: 'runId', message: 'a run id' }]),
    ...(ENTITY_ID.test(c.projectId) ? [] : [{ path: 'projectId', message: 'a project id' }]),
    ...(environmentOk(c.environment) ? [] : [{ path: 'environment', message: 'lowercase, e.g. production' }]),
    ...(PRINCIPAL_ID.test(c.initiator) ? [] : [{ path: 'initiator', message: 'a pseudonymous principal id' }]),
    ...(DIGEST_PATTERN.test(c.blueprintDigest) ? [] : [{ path: 'blueprintDigest', message: 'expected sha256:<64 hex>' }]),
    ...approvalProblems(c.approval),
  ];
  if (problems.length > 0) fail('INVALID_DECISION', 'the decision cannot be opened', problems);
  const quorum = quorumFor(c.approval, c.environment);
  return [
    {
      type: 'DecisionOpened',
      data: {
        runId: c.runId,
        projectId: c.projectId,
        environment: c.environment,
        initiator: c.initiator,
        approval: c.approval,
        quorum,
        blueprintDigest: c.blueprintDigest,
        at: c.at,
      },
    },
  ];
}

function approveIfDue(state: DecisionState, events: DecisionEvent[], at: string): DecisionEvent[] {
  const next = events.reduce(evolve, state);
  const a = assess(next, at);
  return a.approvable
    ? [...events, { type: 'DecisionApproved', data: { runId: state.runId as string, reasons: [...a.reasons], at } }]
    : events;
}

function requireRole(state: DecisionState, role: string): void {
  const roles = state.approval?.requiredRoles ?? [];
  if (!roles.includes(role)) {
    throw new Forbidden(
      'ROLE_NOT_ALLOWED',
      `role ${role} cannot decide on this run: the plan allows ${roles.join(', ') || 'no human role'}`,
    );
  }
}

function separateDuties(state: DecisionState, actor: string, what: string): void {
  if (actor === state.initiator) {
    throw new Forbidden('SEPARATION_OF_DUTIES', `${actor} initiated this run and cannot ${what} it: ask another approver`);
  }
}

function liveWaiver(state: DecisionState, id: string): WaiverState {
  const w = state.waivers.get(id);
  if (!w) throw new NotFound('UNKNOWN_WAIVER', `waiver ${id} was never granted on this decision`);
  if (w.status !== 'ACTIVE') throw new IllegalState('WAIVER_NOT_ACTIVE', `waiver ${id} is already ${w.status}`);
  return w;
}

function targetOk(t: WaiverTarget): boolean {
  if (t === null || typeof t !== 'object') return false;
  const keys = Object.keys(t);
  if (keys.length !== 1) return false;
  const [k] = keys as [string];
  return ['check', 'finding', 'condition'].includes(k) && text((t as Record<string, unknown>)[k], 1, 200);
}

function isJson(v: unknown, depth: number): v is JsonValue {
  if (depth > 64) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth + 1));
  if (typeof v === 'object') return Object.values(v as object).every((x) => isJson(x, depth + 1));
  return false;
}

/** Decision on a run (policy verdict + human approvals, vetoes, waivers), stream `decision-<runId>`. */
export const runDecision: Decider<DecisionCommand, DecisionEvent, DecisionState> = { initialState, evolve, decide };
