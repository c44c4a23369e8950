import { describe } from '../exit/describe.js';

/**
 * @internal The error for a bad argument, built the same way everywhere:
 * `${fn}: ${arg} must be ${want}, got ${describe(got)}.` — the function, the
 * argument and the fix. A `RangeError` when `range` is set (a number out of
 * range), else a `TypeError`.
 *
 * @example
 * ```ts
 * if (typeof name !== 'string') throw mustBe('via', 'name', 'a string', name);
 * ```
 */
export function mustBe(
  fn: string,
  arg: string,
  want: string,
  got: unknown,
  range = false,
): TypeError | RangeError {
  return new (range ? RangeError : TypeError)(
    `${fn}: ${arg} must be ${want}, got ${describe(got)}.`,
  );
}

/** @internal What a Pid argument must be, with the fix for a name. */
export const A_PID = 'a Pid (look a name up with registry.whereis)';

/** @internal What a name argument must be. */
export const ANY_STRING = 'a string (any string is a valid name)';
