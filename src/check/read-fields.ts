import { describe } from '../exit/describe.js';
import { mustBe } from './must-be.js';

/**
 * @internal Reads the fields `keys` of an options argument into a plain
 * object, once, so that what is checked is what is used. `undefined` gives
 * `undefined` (the caller's defaults apply). Anything but a plain object —
 * `null`, a number, a string (never spread: a 5 MB string would take seconds),
 * a Symbol, a function, an array — is a `TypeError`, and so is a field whose
 * getter (or a Proxy trap) throws; each names the function, the argument and
 * the fix.
 *
 * @example
 * ```ts
 * const o = readFields('call', 'options', options, ['timeout', 'scheduler'], '{ timeout: 5000 }');
 * ```
 */
export function readFields<K extends string>(
  fn: string,
  arg: string,
  value: unknown,
  keys: readonly K[],
  like: string,
): { [key in K]?: unknown } | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw mustBe(fn, arg, `an object like ${like}`, value);
  }
  const fields: { [key in K]?: unknown } = {};
  for (const key of keys) {
    let field: unknown;
    try {
      field = (value as Record<string, unknown>)[key];
    } catch (error) {
      throw new TypeError(
        `${fn}: ${arg}.${key} could not be read (${errorText(error)}); pass a plain object like ${like}.`,
      );
    }
    if (field !== undefined) fields[key] = field;
  }
  return fields;
}

/** A thrown value as a short text, without trusting it. */
function errorText(error: unknown): string {
  try {
    return error instanceof Error
      ? `${error.name}: ${error.message}`.slice(0, 120)
      : describe(error);
  } catch {
    return 'it threw';
  }
}
