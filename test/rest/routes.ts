import { ROLES, type Role } from '../../src/auth/principal.js';

/** The REST routes of the flow edge (src/rest/) and who may call them: the role matrix checks both ways. */
export const FLOW_ROUTES: Readonly<Record<string, readonly Role[]>> = {
  'POST /pipelines/run': ['admin', 'operator'],
  'POST /runs/:runId/checks/:checkId/start': ['worker'],
  'POST /runs/:runId/checks/:checkId/result': ['worker'],
  'POST /runs/:runId/approvals': ['admin', 'approver'],
  'POST /runs/:runId/veto': ['admin', 'approver'],
  'POST /runs/:runId/waivers': ['admin', 'approver'],
  'POST /runs/:runId/waivers/:waiverId/revoke': ['admin', 'approver'],
  'GET /runs/:runId': ROLES,
  'PUT /evidence/:sha256': ['admin', 'operator', 'worker'],
  'GET /evidence/:sha256': ROLES,
  'GET /models/:name/approval': ROLES,
  'POST /models/:name/versions': ['admin', 'operator', 'worker'],
  'POST /batches/:jobId/manifests': ['admin', 'operator', 'worker'],
  'GET /ledger/checkpoints': ['admin', 'operator', 'auditor', 'approver', 'worker'],
  'GET /ledger/proofs/inclusion': ['admin', 'operator', 'auditor', 'approver', 'worker'],
  'GET /ledger/proofs/consistency': ['admin', 'operator', 'auditor', 'approver', 'worker'],
};
