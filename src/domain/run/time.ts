import { ValidationError } from '../errors.js';

/** RFC 3339 UTC with milliseconds, the only timestamp form in commands and events. */
export const RFC3339_MS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;

/**
 * Milliseconds since the Unix epoch of an RFC 3339 UTC timestamp, computed without a clock or
 * `Date` (the domain reads no time): days-from-civil arithmetic. Undefined for a malformed or
 * impossible instant (month 13, 31 April...).
 */
export function epochMs(timestamp: string): number | undefined {
  const m = RFC3339_MS.exec(timestamp);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  return daysFromCivil(y, mo, d) * 86_400_000 + ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

/** The RFC 3339 UTC form of an epoch instant (inverse of epochMs). */
export function fromEpochMs(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const [y, mo, d] = civilFromDays(days);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const s = Math.floor(rest / 1000);
  const milli = rest - s * 1000;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}.${p(milli, 3)}Z`;
}

/** `timestamp` plus `seconds`, as RFC 3339 UTC. */
export function addSeconds(timestamp: string, seconds: number): string {
  return fromEpochMs(requireTime(timestamp, 'at') + seconds * 1000);
}

/** Parse or throw ValidationError INVALID_TIMESTAMP naming the field. */
export function requireTime(timestamp: string, path: string): number {
  const ms = typeof timestamp === 'string' ? epochMs(timestamp) : undefined;
  if (ms === undefined) {
    throw new ValidationError('INVALID_TIMESTAMP', `${path} must be RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z`, [
      { path, message: 'expected YYYY-MM-DDTHH:MM:SS.sssZ' },
    ]);
  }
  return ms;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

// Howard Hinnant's algorithms (proleptic Gregorian calendar).
function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}
