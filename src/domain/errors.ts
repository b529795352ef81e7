/**
 * Typed errors with stable codes. They are thrown by the domain, the ledger and the
 * store adapters, and mapped to HTTP statuses / exit codes once, at the edge.
 */
export type ErrorKind =
  'ValidationError' | 'ConcurrencyError' | 'NotFound' | 'Forbidden' | 'IllegalState' | 'Unavailable' | 'Unprocessable';

export interface FieldProblem {
  /** JSON pointer or dotted path of the offending field. */
  readonly path: string;
  readonly message: string;
}

export abstract class LedgerError extends Error {
  abstract readonly kind: ErrorKind;
  constructor(
    /** Stable, documented, machine-readable code, e.g. `WRONG_EXPECTED_REVISION`. */
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends LedgerError {
  readonly kind = 'ValidationError' as const;
  constructor(
    code: string,
    message: string,
    readonly problems: readonly FieldProblem[] = [],
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, message, details);
  }
}

export class ConcurrencyError extends LedgerError {
  readonly kind = 'ConcurrencyError' as const;
}

export class NotFound extends LedgerError {
  readonly kind = 'NotFound' as const;
}

export class Forbidden extends LedgerError {
  readonly kind = 'Forbidden' as const;
}

export class IllegalState extends LedgerError {
  readonly kind = 'IllegalState' as const;
}

/** A well-formed request that cannot be carried out as sent (e.g. an idempotency key reused for another request). */
export class Unprocessable extends LedgerError {
  readonly kind = 'Unprocessable' as const;
}

/** An infrastructure dependency (database, key store) cannot be reached or used. */
export class Unavailable extends LedgerError {
  readonly kind = 'Unavailable' as const;
}

export function isLedgerError(e: unknown): e is LedgerError {
  return e instanceof LedgerError;
}
