import { MutationKit } from './mutation-kit.js';
import { BatchMutations } from './batches.mutations.js';
import { BlueprintMutations } from './blueprints.mutations.js';
import { DecisionMutations } from './decisions.mutations.js';
import { EvidenceMutations } from './evidence.mutations.js';
import { KeyMutations } from './keys.mutations.js';
import { ModelMutations } from './models.mutations.js';
import { ProjectMutations } from './projects.mutations.js';
import { RunMutations } from './runs.mutations.js';

/** The Mutation type's resolvers, one per command group (decision 0050). */
export const MUTATION_RESOLVERS = [
  ProjectMutations,
  BlueprintMutations,
  RunMutations,
  DecisionMutations,
  KeyMutations,
  ModelMutations,
  BatchMutations,
  EvidenceMutations,
];

/** What the mutation resolvers share, provided once beside them. */
export const MUTATION_PROVIDERS = [MutationKit];

/**
 * Every command of the domain (src/commands/**, src/process/commands/**) and whether it is a
 * mutation. Adding a command means adding it here with a choice; a test checks that the Mutation
 * type exposes exactly the `mutation` values and that every command file is listed.
 */
export const COMMAND_EXPOSURE: Readonly<Record<string, { readonly mutation: string } | { readonly notExposed: string }>> = {
  CreateProjectCommand: { mutation: 'createProject' },
  ArchiveProjectCommand: { mutation: 'archiveProject' },
  AttachBlueprintCommand: { mutation: 'attachBlueprint' },
  DetachBlueprintCommand: { mutation: 'detachBlueprint' },
  SetCryptoPipelineCommand: { mutation: 'setCryptoPipeline' },
  RegisterBlueprintCommand: { mutation: 'registerBlueprint' },
  DeprecateBlueprintCommand: { mutation: 'deprecateBlueprint' },
  RequestPipelineRunCommand: { mutation: 'requestRun' },
  CancelRunCommand: { mutation: 'cancelRun' },
  ReportCheckCommand: { mutation: 'startCheck, reportCheckResult, reportCheckError' },
  GrantApprovalCommand: { mutation: 'grantApproval' },
  VetoDecisionCommand: { mutation: 'vetoRun' },
  GrantWaiverCommand: { mutation: 'grantWaiver' },
  RevokeWaiverCommand: { mutation: 'revokeWaiver' },
  ExpireWaiverCommand: { mutation: 'expireWaiver' },
  RegisterManagedKeyCommand: { mutation: 'registerManagedKey' },
  RotateManagedKeyCommand: { mutation: 'rotateManagedKey' },
  RetireManagedKeyCommand: { mutation: 'retireManagedKey' },
  ReportKeyCompromiseCommand: { mutation: 'reportKeyCompromise' },
  RotateSigningKeyCommand: { mutation: 'rotateSigningKey' },
  RevokeSigningKeyCommand: { mutation: 'revokeSigningKey' },
  RegisterModelVersionCommand: { mutation: 'registerModelVersion' },
  RevokeModelApprovalCommand: { mutation: 'revokeModelApproval' },
  RevokeModelVersionCommand: { mutation: 'revokeModelVersion' },
  RecordBatchManifestCommand: { mutation: 'recordBatchManifest' },
  StoreEvidenceCommand: { mutation: 'storeEvidence' },
  // Issued only by the process manager from the log (src/process/reactions.ts): a caller could skip a step or forge a verdict.
  RequestRunCommand: { notExposed: 'takes a whole compiled plan from the caller: requestRun compiles the attached blueprint instead' },
  StartCheckCommand: { notExposed: 'the worker path is startCheck (ReportCheckCommand), which pins the worker to the caller' },
  ReportCheckResultCommand: {
    notExposed: 'the worker path is reportCheckResult (ReportCheckCommand), which pins the worker to the caller',
  },
  ReportCheckErrorCommand: { notExposed: 'the worker path is reportCheckError (ReportCheckCommand), which pins the worker to the caller' },
  QueueRunCommand: { notExposed: 'process manager: a run is queued as it is requested' },
  StartStageCommand: { notExposed: 'process manager: stages start when their dependencies and condition are met' },
  SkipStageCommand: { notExposed: 'process manager: the domain only skips a stage whose condition is unmet, which the plan decides' },
  TimeOutCheckCommand: { notExposed: 'process manager: checks time out on their deadline' },
  OpenDecisionCommand: { notExposed: 'process manager: a decision opens when every stage has ended' },
  RecordPolicyEvaluationCommand: { notExposed: "process manager: the policy engine's verdict; a caller could forge it" },
  CloseDecisionCommand: { notExposed: 'process manager: closes from the recorded evaluation and approvals' },
  CompleteRunCommand: { notExposed: 'process manager: the run ends as its decision ended' },
  ApproveModelForStageCommand: {
    notExposed: 'process manager: a model is approved for a stage when the decision on the run that pinned it is approved',
  },
};

/** The Mutation type's fields, from COMMAND_EXPOSURE. */
export const EXPOSED_MUTATIONS: readonly string[] = Object.values(COMMAND_EXPOSURE)
  .flatMap((e) => ('mutation' in e ? e.mutation.split(', ') : []))
  .sort();
