import type { Observable } from 'rxjs';
import { buildChild } from './build-child.js';
import type { ChildSpec } from './child-spec.js';

/**
 * Builds a checked `ChildSpec`; throws a `ChildSpecError` naming the field if
 * anything is wrong.
 *
 * @example
 * ```ts
 * child('db', () => db.start(config), { restart: 'permanent', shutdown: 10_000 });
 * child('feed', () => interval(1000)); // any Observable can be a child
 * ```
 */
export function child(
  id: string,
  start: () => Observable<unknown>,
  options: Omit<ChildSpec, 'id' | 'start'> = {},
): ChildSpec {
  return buildChild('child', id, start, options);
}
