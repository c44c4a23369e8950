import { mustBe } from '../check/must-be.js';

/**
 * @internal Throws unless `value` is a duration in ms: a `TypeError` for a
 * non-number, a `RangeError` for a negative number or NaN (and for `Infinity`
 * where it has no meaning), each naming the function, the option and the fix.
 * Any finite duration is exact (see `scheduleAfter`).
 */
export function checkDuration(
  fn: string,
  option: string,
  value: unknown,
  infinity: 'allowed' | 'refused',
): asserts value is number {
  const want =
    infinity === 'allowed' ? 'a number of ms >= 0 (or Infinity)' : 'a finite number of ms >= 0';
  if (typeof value !== 'number') {
    throw mustBe(fn, option, want, value);
  }
  if (!(value >= 0) || (value === Infinity && infinity === 'refused')) {
    throw new RangeError(`${fn}: ${option} must be ${want}, got ${String(value)}.`);
  }
}
