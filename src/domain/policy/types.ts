import type { OnFail } from '../blueprint/types.js';

/** A check's outcome as the policy engine sees it (seed 000 §5: PASS, FAIL, WARNING; plus what runs add). */
export const CHECK_STATUSES = ['PASS', 'FAIL', 'WARNING', 'ERROR', 'SKIPPED', 'TIMED_OUT', 'MISSING'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface Finding {
  /** Stable within the run (e.g. a scanner fingerprint); waivers name it. */
  readonly id: string;
  /** INFO, LOW, MEDIUM, HIGH or CRITICAL (any case). */
  readonly severity: string;
  /** e.g. `crypto-anti-pattern`, `vulnerability`, `secret`. */
  readonly category?: string;
  readonly rule?: string;
  readonly message?: string;
}

export interface CheckResult {
  readonly id: string;
  readonly type: string;
  readonly required: boolean;
  readonly status: CheckStatus;
  readonly metrics: Readonly<Record<string, number>>;
  readonly findings: readonly Finding[];
  /** Content digests of the evidence the check produced. */
  readonly evidence: readonly string[];
}

/** What a waiver excuses: a check's failure, one finding, or a whole approval condition. */
export type WaiverTarget = { readonly check: string } | { readonly finding: string } | { readonly condition: string };

export interface Waiver {
  readonly id: string;
  readonly target: WaiverTarget;
  /** Pseudonymous id of who granted it. */
  readonly grantedBy: string;
  readonly reason: string;
  /** RFC 3339 UTC with milliseconds. Honoured while evaluatedAt < expiresAt. */
  readonly expiresAt: string;
  /** Optional start; honoured from this instant on (inclusive). */
  readonly effectiveFrom?: string;
}

export interface PolicyInput {
  readonly blueprintId: string;
  readonly blueprintVersion: number;
  readonly blueprintDigest: string;
  readonly environment: string;
  /** The evaluation instant, given by the caller (never read from a clock). */
  readonly evaluatedAt: string;
  readonly checks: readonly CheckResult[];
  readonly waivers: readonly Waiver[];
}

export type Verdict = 'APPROVED' | 'REJECTED' | 'NEEDS_APPROVAL';

/** One value a policy function returned while a condition was evaluated. */
export interface Observation {
  readonly call: string;
  readonly value: string | number | boolean | null;
  /** What the value is made of: failing checks, offending findings, the check that reported a metric... */
  readonly details?: Readonly<Record<string, unknown>>;
}

export type ConditionOutcome = 'PASS' | 'FAIL' | 'ERROR' | 'WAIVED' | 'NOT_APPLICABLE';

export interface ConditionExplanation {
  readonly name: string;
  readonly rule: string;
  readonly onFail: OnFail;
  readonly outcome: ConditionOutcome;
  /** True when the condition does not hold against the verdict (FAIL or ERROR). */
  readonly blocking: boolean;
  readonly observed: readonly Observation[];
  /** Ids of the waivers that changed this condition's result (a waived check, finding or the condition itself). */
  readonly waivedBy: readonly string[];
  readonly error?: string;
  readonly message: string;
  readonly recommendation: string;
}

export interface PolicyEvaluation {
  readonly verdict: Verdict;
  readonly blueprintId: string;
  readonly blueprintVersion: number;
  readonly blueprintDigest: string;
  readonly policyDigest: string;
  readonly engineVersion: string;
  readonly inputsDigest: string;
  readonly environment: string;
  readonly evaluatedAt: string;
  readonly conditions: readonly ConditionExplanation[];
  /** Set when the verdict is NEEDS_APPROVAL only because the environment requires a human approval. */
  readonly humanApprovalRequired: boolean;
  /** One line per blocking condition (its message and what it saw), for people. */
  readonly summary: readonly string[];
}
