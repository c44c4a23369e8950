/**
 * @internal Whether `test` returns true, counting a throw as false: checks of
 * user values (`instanceof`, a brand read) must not throw out of rxotp when
 * the value is a Proxy whose traps throw or an object whose getter does.
 *
 * @example
 * ```ts
 * if (!holds(() => registry instanceof Registry)) throw new TypeError('...');
 * ```
 */
export function holds(test: () => boolean): boolean {
  try {
    return test();
  } catch {
    return false;
  }
}
