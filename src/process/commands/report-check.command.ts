import type { CommandMetadata } from '../../domain/decider.js';
import type { CheckReport } from '../../domain/run/types.js';

/** A worker's word on one check of a run: started, a result (PASS/FAIL/WARNING), or an error. */
export class ReportCheckCommand {
  constructor(
    readonly runId: string,
    readonly checkId: string,
    /** Omitted: the check's current attempt. */
    readonly attempt: number | undefined,
    readonly report:
      | { readonly kind: 'start' }
      | { readonly kind: 'result'; readonly report: CheckReport }
      | { readonly kind: 'error'; readonly error: string },
    readonly meta: CommandMetadata,
  ) {}
}
