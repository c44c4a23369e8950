import type { OperatorFunction } from 'rxjs';
import type { ChildSpec } from './child-spec.js';
import type { SupervisorNotification } from './events.js';
import type { SupervisorOptions } from './options.js';
import { supervisorOperator } from './supervisor-operator.js';

/**
 * The `one_for_all` supervisor as an operator: turns a stream of `ChildSpec`s
 * into the supervisor's own notification stream (`started`, its subtree's
 * events, `exit`). Specs the source emits while being subscribed are the
 * initial set, started in order; later ones are added while it runs. Under
 * one_for_all, when a child is restarted, the others are stopped in reverse start order (they exit `cancelled`) and the whole set is started again in start order.
 *
 * @example
 * ```ts
 * of(child('a', () => a.start()), child('b', () => b.start()))
 *   .pipe(oneForAll({ intensity: 3, period: 5000 }))
 *   .subscribe((n) => console.log(n.kind));
 * ```
 */
export function oneForAll(
  options: SupervisorOptions = {},
): OperatorFunction<ChildSpec, SupervisorNotification> {
  return supervisorOperator('oneForAll', 'one_for_all', options);
}
