import { ValidationError } from '../domain/errors.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** `first` of a paged query: from 1 to `max`. */
export function assertPageSize(first: number, max: number): void {
  if (first < 1 || first > max) throw new ValidationError('INVALID_PAGE_SIZE', `first must be from 1 to ${max} (got ${first})`);
}

/** `filter.from` / `filter.to` of a time window, when given: RFC 3339 times. */
export function assertTimeWindow(filter: { readonly from?: string | null; readonly to?: string | null } | null): void {
  for (const [name, v] of [
    ['from', filter?.from],
    ['to', filter?.to],
  ] as const) {
    if (v != null && (!RFC3339.test(v) || Number.isNaN(Date.parse(v)))) {
      throw new ValidationError('INVALID_TIME', `filter.${name} must be an RFC 3339 time like 2026-01-31T12:00:00.000Z`);
    }
  }
}
