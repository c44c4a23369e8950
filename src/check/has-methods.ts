import { holds } from './holds.js';

/**
 * @internal Whether `value` has a function under each of `names`, counting a
 * throwing getter or Proxy trap as no: the shape check of a user's connection,
 * port or bucket.
 *
 * @example
 * ```ts
 * if (!hasMethods(port, ['postMessage', 'on', 'off'])) throw new TypeError('...');
 * ```
 */
export function hasMethods(value: unknown, names: readonly string[]): boolean {
  return holds(() =>
    names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function'),
  );
}
