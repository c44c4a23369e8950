import { describe } from '../exit/describe.js';

const KEY = /^[-_A-Za-z0-9]+$/;

/** @internal Checks a singleton's name, which is also its lease's key: one bucket key token. */
export function checkLeaseKey(fn: string, arg: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length > 256 || !KEY.test(name)) {
    throw new TypeError(
      `${fn}: ${arg} must be a string of 1 to 256 letters, digits, '-' and '_' (a lease key), got ${describe(name)}.`,
    );
  }
}
