import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDecision } from '../../../src/domain/decision/decision.js';
import type { DecisionCommand, DecisionEvent } from '../../../src/domain/decision/types.js';
import type { ApprovalRequirements } from '../../../src/domain/run/plan.js';
import { specFor } from '../../support/given-when-then.js';
import { D, INITIATOR, T0, T1, T2, plan } from '../run/fixtures.js';

const spec = specFor(runDecision);
const open = (environment = 'production'): DecisionCommand => ({
  type: 'OpenDecision',
  at: T0,
  actor: 'svc:orchestrator',
  runId: 'r1',
  projectId: 'p1',
  environment,
  initiator: INITIATOR,
  approval: plan.approval,
  blueprintDigest: D('b'),
});
const opened = (environment = 'production', quorum = 2, approval: ApprovalRequirements = plan.approval): DecisionEvent => ({
  type: 'DecisionOpened',
  data: {
    runId: 'r1',
    projectId: 'p1',
    environment,
    initiator: INITIATOR,
    approval,
    quorum,
    blueprintDigest: D('b'),
    at: T0,
  },
});
const explanation = { conditions: [{ name: 'coverage', outcome: 'PASS', observed: [{ call: 'coverage', value: 0.91 }] }], summary: [] };
const evaluate = (verdict: 'APPROVED' | 'REJECTED' | 'NEEDS_APPROVAL', waiverIds: string[] = [], at = T1): DecisionCommand => ({
  type: 'RecordPolicyEvaluation',
  at,
  actor: 'svc:policy',
  verdict,
  explanation,
  blueprintDigest: D('b'),
  policyDigest: D('c'),
  engineVersion: 'cel-engine/1.0.0',
  inputsDigest: D('f'),
  evaluatedAt: at,
  waiverIds,
});
const evaluated = (verdict: 'APPROVED' | 'REJECTED' | 'NEEDS_APPROVAL', waiverIds: string[] = [], at = T1): DecisionEvent => ({
  type: 'PolicyEvaluated',
  data: {
    verdict,
    explanation,
    blueprintDigest: D('b'),
    policyDigest: D('c'),
    engineVersion: 'cel-engine/1.0.0',
    inputsDigest: D('f'),
    evaluatedAt: at,
    waiverIds,
    recordedBy: 'svc:policy',
    at,
  },
});
const approve = (actor: string, role = 'release-manager', at = T1): DecisionCommand => ({
  type: 'GrantApproval',
  at,
  actor,
  role,
  comment: 'looks good',
});
const approved = (approver: string, role = 'release-manager', at = T1): DecisionEvent => ({
  type: 'ApprovalGranted',
  data: { approver, role, comment: 'looks good', at },
});
const waiver = (over: Partial<Extract<DecisionCommand, { type: 'GrantWaiver' }>> = {}): DecisionCommand => ({
  type: 'GrantWaiver',
  at: T1,
  actor: 'usr:lead-1',
  role: 'release-manager',
  waiverId: 'w1',
  target: { check: 'fairness_check' },
  justification: 'fairness dataset refresh pending, ticket QL-12',
  expiresAt: '2026-03-08T10:00:00.000Z',
  ...over,
});
const waived: DecisionEvent = {
  type: 'WaiverGranted',
  data: {
    waiverId: 'w1',
    target: { check: 'fairness_check' },
    grantedBy: 'usr:lead-1',
    role: 'release-manager',
    justification: 'fairness dataset refresh pending, ticket QL-12',
    expiresAt: '2026-03-08T10:00:00.000Z',
    at: T1,
  },
};
const reasonsOf = (events: readonly DecisionEvent[]) => {
  const last = events.at(-1);
  return last && (last.type === 'DecisionApproved' || last.type === 'DecisionRejected') ? last.data.reasons : [];
};

describe('Decision: opening and policy', () => {
  it('given nothing, when opened for production, then the quorum of the environment is recorded', () =>
    spec([]).when(open()).then([opened()]));

  it('given an open decision, when opened again, then DECISION_EXISTS', () => spec([opened()]).when(open()).thenFails('DECISION_EXISTS'));

  it('given nothing, when opened with a quorum and no approver role, then INVALID_DECISION', () =>
    spec([])
      .when({ ...open(), approval: { requiredRoles: [], quorumByEnvironment: {}, defaultQuorum: 1 } } as DecisionCommand)
      .thenFails('INVALID_DECISION'));

  it('given nothing, when a policy evaluation is recorded, then DECISION_NOT_OPEN', () =>
    spec([]).when(evaluate('APPROVED')).thenFails('DECISION_NOT_OPEN'));

  it('given production (quorum 2), when the policy approves, then the evaluation is recorded and the decision stays pending', () =>
    spec([opened()])
      .when(evaluate('APPROVED'))
      .then([evaluated('APPROVED')]));

  it('given a dev environment without human quorum, when the policy approves, then the decision is APPROVED at once', () => {
    const devPlan = { ...plan.approval, defaultQuorum: 0 };
    const o = opened('dev', 0, devPlan);
    spec([o])
      .when(evaluate('APPROVED'))
      .then([
        evaluated('APPROVED'),
        {
          type: 'DecisionApproved',
          data: { runId: 'r1', reasons: [`policy APPROVED (${D('c')})`, 'no human approval required in dev'], at: T1 },
        },
      ]);
  });

  it('given an open decision, when the evaluation is of another blueprint, then BLUEPRINT_MISMATCH', () =>
    spec([opened()])
      .when({ ...evaluate('APPROVED'), blueprintDigest: D('9') } as DecisionCommand)
      .thenFails('BLUEPRINT_MISMATCH'));

  it('given an open decision, when the explanation is not JSON, then INVALID_POLICY_EVALUATION', () =>
    spec([opened()])
      .when({ ...evaluate('APPROVED'), explanation: { score: Number.NaN } } as DecisionCommand)
      .thenFails('INVALID_POLICY_EVALUATION'));

  it('given an open decision, when the evaluation names an unknown waiver, then UNKNOWN_WAIVER', () =>
    spec([opened()])
      .when(evaluate('APPROVED', ['w9']))
      .thenFails('UNKNOWN_WAIVER'));
});

describe('Decision: approvals and separation of duties', () => {
  it('given an open decision, when the run initiator approves, then SEPARATION_OF_DUTIES', () =>
    spec([opened()]).when(approve(INITIATOR)).thenFails('SEPARATION_OF_DUTIES'));

  it('given an open decision, when a role outside the plan approves, then ROLE_NOT_ALLOWED', () =>
    spec([opened()]).when(approve('usr:a', 'intern')).thenFails('ROLE_NOT_ALLOWED'));

  it('given one approval, when the same person approves again, then ALREADY_APPROVED (one person counts once)', () =>
    spec([opened(), approved('usr:a')])
      .when(approve('usr:a'))
      .thenFails('ALREADY_APPROVED'));

  it('given one approval, when the same person approves under another role, then ALREADY_APPROVED', () => {
    const raci = { requiredRoles: ['responsible', 'accountable'], quorumByEnvironment: {}, defaultQuorum: 1 };
    const o = opened('staging', 1, raci);
    spec([o, approved('usr:a', 'responsible')])
      .when(approve('usr:a', 'accountable'))
      .thenFails('ALREADY_APPROVED');
  });

  it('given RACI roles and a quorum of 1, when only the responsible approves, then the accountable is still missing', () => {
    const raci = { requiredRoles: ['responsible', 'accountable'], quorumByEnvironment: {}, defaultQuorum: 1 };
    const o = opened('staging', 1, raci);
    spec([o, evaluated('APPROVED')])
      .when(approve('usr:a', 'responsible'))
      .then([approved('usr:a', 'responsible')]);
    const state = [o, evaluated('APPROVED'), approved('usr:a', 'responsible')].reduce(runDecision.evolve, runDecision.initialState);
    assert.deepEqual(reasonsOf(runDecision.decide({ type: 'CloseDecision', at: T2, actor: 'svc:o' }, state)), [
      'no approval by role accountable',
    ]);
    spec([o, evaluated('APPROVED'), approved('usr:a', 'responsible')])
      .when(approve('usr:b', 'accountable', T2))
      .then([
        approved('usr:b', 'accountable', T2),
        {
          type: 'DecisionApproved',
          data: { runId: 'r1', reasons: [`policy APPROVED (${D('c')})`, 'approved by usr:a (responsible), usr:b (accountable)'], at: T2 },
        },
      ]);
  });

  it('given an open decision, when an approval comment is too long, then INVALID_COMMENT', () =>
    spec([opened()])
      .when({ ...approve('usr:a'), comment: 'x'.repeat(2001) } as DecisionCommand)
      .thenFails('INVALID_COMMENT'));

  it('given a policy approval and one approver of two, when a second person approves, then APPROVED with its reasons', () =>
    spec([opened(), evaluated('APPROVED'), approved('usr:a')])
      .when(approve('usr:b', 'release-manager', T2))
      .then([
        approved('usr:b', 'release-manager', T2),
        {
          type: 'DecisionApproved',
          data: {
            runId: 'r1',
            reasons: [`policy APPROVED (${D('c')})`, 'approved by usr:a (release-manager), usr:b (release-manager)'],
            at: T2,
          },
        },
      ]));

  it('given two approvals but no evaluation, when closed, then REJECTED: no policy evaluation', () => {
    const events = runDecision.decide(
      { type: 'CloseDecision', at: T2, actor: 'svc:orchestrator' },
      [opened(), approved('usr:a'), approved('usr:b')].reduce(runDecision.evolve, runDecision.initialState),
    );
    assert.deepEqual(reasonsOf(events), ['no policy evaluation is recorded']);
  });

  it('given a policy rejection and two approvals, when closed, then REJECTED because of the policy', () =>
    spec([opened(), evaluated('REJECTED'), approved('usr:a'), approved('usr:b')])
      .when({ type: 'CloseDecision', at: T2, actor: 'svc:orchestrator' })
      .then([{ type: 'DecisionRejected', data: { runId: 'r1', reasons: [`the policy (${D('c')}) rejected the run`], at: T2 } }]));

  it('given NEEDS_APPROVAL in an environment without quorum, when closed unapproved, then one approval is still needed', () => {
    const o = opened('dev', 0, { ...plan.approval, defaultQuorum: 0 });
    const events = runDecision.decide(
      { type: 'CloseDecision', at: T2, actor: 'svc:o' },
      [o, evaluated('NEEDS_APPROVAL')].reduce(runDecision.evolve, runDecision.initialState),
    );
    assert.deepEqual(reasonsOf(events), ['0 of 1 approvals', 'no approval by role release-manager']);
  });

  it('given an approved decision, when someone approves, then DECISION_FINAL', () =>
    spec([
      opened(),
      evaluated('APPROVED'),
      approved('usr:a'),
      approved('usr:b'),
      { type: 'DecisionApproved', data: { runId: 'r1', reasons: [], at: T2 } },
    ])
      .when(approve('usr:c'))
      .thenFails('DECISION_FINAL'));
});

describe('Decision: veto', () => {
  it('given approvals, when an approver vetoes, then the decision is REJECTED with the veto as reason', () =>
    spec([opened(), evaluated('APPROVED'), approved('usr:a')])
      .when({ type: 'VetoDecision', at: T2, actor: 'usr:sec', role: 'release-manager', reason: 'CVE-2026-1 unpatched' })
      .then([
        { type: 'DecisionVetoed', data: { by: 'usr:sec', role: 'release-manager', reason: 'CVE-2026-1 unpatched', at: T2 } },
        { type: 'DecisionRejected', data: { runId: 'r1', reasons: ['vetoed by usr:sec (release-manager): CVE-2026-1 unpatched'], at: T2 } },
      ]));

  it('given an open decision, when a veto has no reason, then INVALID_REASON', () =>
    spec([opened()])
      .when({ type: 'VetoDecision', at: T2, actor: 'usr:sec', role: 'release-manager', reason: '' })
      .thenFails('INVALID_REASON'));

  it('given an open decision, when a role outside the plan vetoes, then ROLE_NOT_ALLOWED', () =>
    spec([opened()]).when({ type: 'VetoDecision', at: T2, actor: 'usr:x', role: 'guest', reason: 'no' }).thenFails('ROLE_NOT_ALLOWED'));

  it('given a vetoed decision, when approved, then DECISION_FINAL (a veto is final)', () =>
    spec([opened(), { type: 'DecisionRejected', data: { runId: 'r1', reasons: ['vetoed'], at: T2 } }])
      .when(approve('usr:a'))
      .thenFails('DECISION_FINAL'));
});

describe('Decision: waivers', () => {
  it('given an open decision, when an approver grants a waiver, then WaiverGranted', () => spec([opened()]).when(waiver()).then([waived]));

  it('given an open decision, when the initiator grants a waiver, then SEPARATION_OF_DUTIES', () =>
    spec([opened()])
      .when(waiver({ actor: INITIATOR }))
      .thenFails('SEPARATION_OF_DUTIES'));

  it('given an open decision, when a waiver expires now, then WAIVER_EXPIRY_NOT_FUTURE', () =>
    spec([opened()])
      .when(waiver({ expiresAt: T1 }))
      .thenFails('WAIVER_EXPIRY_NOT_FUTURE'));

  it('given an open decision, when a waiver lasts more than 90 days, then WAIVER_TOO_LONG', () =>
    spec([opened()])
      .when(waiver({ expiresAt: '2026-06-01T10:00:00.000Z' }))
      .thenFails('WAIVER_TOO_LONG'));

  it('given an open decision, when a waiver has a one-word justification, then INVALID_WAIVER', () =>
    spec([opened()])
      .when(waiver({ justification: 'ok' }))
      .thenFails('INVALID_WAIVER'));

  it('given an open decision, when a waiver targets two things, then INVALID_WAIVER', () =>
    spec([opened()])
      .when(waiver({ target: { check: 'a', finding: 'b' } as unknown as { check: string } }))
      .thenFails('INVALID_WAIVER'));

  it('given a waiver, when one with the same id is granted, then WAIVER_EXISTS', () =>
    spec([opened(), waived]).when(waiver()).thenFails('WAIVER_EXISTS'));

  it('given a waiver, when it is revoked, then WaiverRevoked', () =>
    spec([opened(), waived])
      .when({ type: 'RevokeWaiver', at: T2, actor: 'usr:lead-1', waiverId: 'w1', reason: 'dataset refreshed' })
      .then([{ type: 'WaiverRevoked', data: { waiverId: 'w1', by: 'usr:lead-1', reason: 'dataset refreshed', at: T2 } }]));

  it('given a revoked waiver, when revoked again, then WAIVER_NOT_ACTIVE', () =>
    spec([opened(), waived, { type: 'WaiverRevoked', data: { waiverId: 'w1', by: 'usr:l', reason: 'r', at: T2 } }])
      .when({ type: 'RevokeWaiver', at: T2, actor: 'usr:l', waiverId: 'w1', reason: 'again' })
      .thenFails('WAIVER_NOT_ACTIVE'));

  it('given an open decision, when an unknown waiver is expired, then UNKNOWN_WAIVER', () =>
    spec([opened()]).when({ type: 'ExpireWaiver', at: T2, actor: 'svc:o', waiverId: 'w9' }).thenFails('UNKNOWN_WAIVER'));

  it('given a waiver, when expired before its time, then WAIVER_NOT_EXPIRED', () =>
    spec([opened(), waived]).when({ type: 'ExpireWaiver', at: T2, actor: 'svc:o', waiverId: 'w1' }).thenFails('WAIVER_NOT_EXPIRED'));

  it('given a waiver, when expired at its time, then WaiverExpired', () =>
    spec([opened(), waived])
      .when({ type: 'ExpireWaiver', at: '2026-03-08T10:00:00.000Z', actor: 'svc:o', waiverId: 'w1' })
      .then([{ type: 'WaiverExpired', data: { waiverId: 'w1', expiresAt: '2026-03-08T10:00:00.000Z', at: '2026-03-08T10:00:00.000Z' } }]));

  it('given a revoked waiver, when an evaluation relies on it, then WAIVER_NOT_ACTIVE', () =>
    spec([opened(), waived, { type: 'WaiverRevoked', data: { waiverId: 'w1', by: 'usr:l', reason: 'r', at: T2 } }])
      .when(evaluate('APPROVED', ['w1'], T2))
      .thenFails('WAIVER_NOT_ACTIVE'));

  it('given an approval that relied on a waiver since revoked, when closed, then REJECTED: evaluate again', () =>
    spec([
      opened(),
      waived,
      evaluated('APPROVED', ['w1']),
      approved('usr:a'),
      { type: 'WaiverRevoked', data: { waiverId: 'w1', by: 'usr:l', reason: 'r', at: T2 } },
      approved('usr:b', 'release-manager', T2),
    ])
      .when({ type: 'CloseDecision', at: T2, actor: 'svc:o' })
      .then([
        {
          type: 'DecisionRejected',
          data: {
            runId: 'r1',
            reasons: ['the policy evaluation relied on waiver w1, which is no longer active: evaluate the policy again'],
            at: T2,
          },
        },
      ]));

  it('given an evaluation relying on a waiver past its expiry, when the quorum is reached, then the decision is not approved', () =>
    spec([opened(), waived, evaluated('APPROVED', ['w1']), approved('usr:a')])
      .when(approve('usr:b', 'release-manager', '2026-03-09T00:00:00.000Z'))
      .then([approved('usr:b', 'release-manager', '2026-03-09T00:00:00.000Z')]));
});
