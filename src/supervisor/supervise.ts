import { from, type Observable } from 'rxjs';
import { checkOptions } from './check-options.js';
import { checkSpecs } from './check-spec.js';
import type { ChildSpec } from './child-spec.js';
import type { SupervisorNotification } from './events.js';
import type { SuperviseOptions } from './options.js';
import { supervisorOperator } from './supervisor-operator.js';
import { mustBe } from '../check/must-be.js';

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
  if (!Array.isArray(specs)) {
    throw mustBe('supervise', 'specs', "an array of child specs like [child('db', start)]", specs);
  }
  // Options first: a bad one (null, a strategy name as a string) must not run one_for_one silently.
  const checked = checkOptions('supervise', options);
  checkSpecs(specs, 'supervise');
  const { strategy = 'one_for_one' } = checked;
  return from(specs).pipe(supervisorOperator('supervise', strategy, checked));
}
