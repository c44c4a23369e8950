import { describe } from '../exit/describe.js';

/** @internal Checks a singleton's hold bound: a whole number >= 0 (default 1000). */
export function checkHoldBound(fn: string, bound: unknown): number {
  if (bound === undefined) return 1000;
  if (typeof bound !== 'number' || !Number.isInteger(bound) || bound < 0) {
    throw new RangeError(
      `${fn}: options.holdBound must be a whole number >= 0 (default 1000), got ${describe(bound)}.`,
    );
  }
  return bound;
}
