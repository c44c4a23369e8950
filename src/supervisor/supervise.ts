import { from, type Observable } from 'rxjs';
import { checkSpecs } from './check-spec.js';
import type { ChildSpec } from './child-spec.js';
import type { SupervisorNotification } from './events.js';
import type { SuperviseOptions } from './options.js';
import { supervisorOperator } from './supervisor-operator.js';

/**
 * A static supervisor: `from(specs).pipe(<strategy>(options))`, with the
 * strategy among the options (default `'one_for_one'`). Specs and options are
 * checked now, and a bad one throws.
 *
 * @example
 * ```ts
 * const tree$ = supervise([child('db', () => db.start()), child('api', () => api.start())], {
 *   strategy: 'rest_for_one',
 * });
 * ```
 */
export function supervise(
  specs: readonly ChildSpec[],
  options: SuperviseOptions = {},
): Observable<SupervisorNotification> {
  if (!Array.isArray(specs))
    throw new TypeError('supervise: specs must be an array of child specs.');
  checkSpecs(specs);
  const { strategy = 'one_for_one', ...rest } = options ?? {};
  return from(specs).pipe(
    supervisorOperator('supervise', strategy, { ...rest, strategy } as SuperviseOptions),
  );
}
