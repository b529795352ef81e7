import { CloseDecisionHandler } from './close-decision.handler.js';
import { ExpireWaiverHandler } from './expire-waiver.handler.js';
import { GrantApprovalHandler } from './grant-approval.handler.js';
import { GrantWaiverHandler } from './grant-waiver.handler.js';
import { OpenDecisionHandler } from './open-decision.handler.js';
import { RecordPolicyEvaluationHandler } from './record-policy-evaluation.handler.js';
import { RevokeWaiverHandler } from './revoke-waiver.handler.js';
import { VetoDecisionHandler } from './veto-decision.handler.js';

/** Command handlers of this folder, for the application module. */
export const DECISION_COMMAND_HANDLERS = [
  CloseDecisionHandler,
  ExpireWaiverHandler,
  GrantApprovalHandler,
  GrantWaiverHandler,
  OpenDecisionHandler,
  RecordPolicyEvaluationHandler,
  RevokeWaiverHandler,
  VetoDecisionHandler,
];
