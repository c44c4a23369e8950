import type { OperatorFunction } from 'rxjs';
import type { ChildSpec } from './child-spec.js';
import type { SupervisorNotification } from './events.js';
import type { SupervisorOptions } from './options.js';
import { supervisorOperator } from './supervisor-operator.js';

/**
 * The `rest_for_one` supervisor as an operator: turns a stream of `ChildSpec`s
 * into the supervisor's own notification stream (`started`, its subtree's
 * events, `exit`). Specs the source emits while being subscribed are the
 * initial set, started in order; later ones are added while it runs. Under
 * rest_for_one, when a child is restarted, the children started after it are stopped in reverse order and restarted with it, in start order.
 *
 * @example
 * ```ts
 * of(child('a', () => a.start()), child('b', () => b.start()))
 *   .pipe(restForOne({ intensity: 3, period: 5000 }))
 *   .subscribe((n) => console.log(n.kind));
 * ```
 */
export function restForOne(
  options: SupervisorOptions = {},
): OperatorFunction<ChildSpec, SupervisorNotification> {
  return supervisorOperator('restForOne', 'rest_for_one', options);
}
