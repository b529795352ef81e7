import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isTimestamp } from '../src/envelope/fields.js';

/** The definition isTimestamp implements: the pattern, then a Date round trip. */
function reference(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v)) return false;
  const t = Date.parse(v);
  return !Number.isNaN(t) && new Date(t).toISOString() === v;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

describe('isTimestamp', () => {
  test('agrees with the Date round trip on every calendar edge', () => {
    const years = [0, 1, 4, 100, 400, 1582, 1900, 1970, 1999, 2000, 2024, 2026, 2100, 2400, 9999];
    let accepted = 0;
    let refused = 0;
    for (const y of years) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const v = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T12:34:56.789Z`;
          const want = reference(v);
          assert.equal(isTimestamp(v), want, v);
          if (want) accepted++;
          else refused++;
        }
      }
    }
    assert.ok(accepted > 5000 && refused > 1000, `${accepted} accepted, ${refused} refused`);
  });

  test('agrees on every hour, minute and second, in and out of range', () => {
    for (let h = 0; h <= 99; h++) {
      for (const ms of ['00:00', '59:59', '60:00', '00:60', '99:99']) {
        const v = `2026-02-28T${pad(h, 2)}:${ms}.000Z`;
        assert.equal(isTimestamp(v), reference(v), v);
      }
    }
  });

  test('agrees on random instants and on mangled texts', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const good = new Date(Math.floor(rnd() * 253402300799999)).toISOString();
      assert.equal(isTimestamp(good), true, good);
      const at = Math.floor(rnd() * good.length);
      const bad = good.slice(0, at) + String.fromCharCode(48 + Math.floor(rnd() * 10)) + good.slice(at + 1);
      assert.equal(isTimestamp(bad), reference(bad), bad);
    }
  });

  test('agrees on every date crossed with edge times (leap years, month ends, hour 24, second 60, year 0)', () => {
    const years = ['0000', '0001', '0004', '1900', '1970', '2000', '2023', '2024', '2100', '2400', '9999'];
    const times = ['00:00:00.000', '23:59:59.999', '24:00:00.000', '23:60:00.000', '23:59:60.000', '12:30:45.123'];
    let n = 0;
    for (const y of years)
      for (let m = 0; m <= 13; m++)
        for (let d = 0; d <= 32; d++)
          for (const t of times) {
            const v = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T${t}Z`;
            assert.equal(isTimestamp(v), reference(v), v);
            n++;
          }
    for (const v of ['2024-02-29T00:00:00.000z', '2024-02-29 00:00:00.000Z', '2024-02-29T00:00:00Z', '+2024-02-29T00:00:00.000Z', 42, null])
      assert.equal(isTimestamp(v), false, String(v));
    assert.ok(n > 20_000);
  });

  test('refuses what is not a string in the one format', () => {
    for (const v of [
      undefined,
      null,
      0,
      Date.now(),
      new Date(),
      '2026-01-31T12:00:00Z',
      '2026-01-31T12:00:00.000+00:00',
      '2026-01-31 12:00:00.000Z',
      '+012026-01-31T12:00:00.000Z',
      ' 2026-01-31T12:00:00.000Z',
    ]) {
      assert.equal(isTimestamp(v), false, String(v));
    }
  });
});
