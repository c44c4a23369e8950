import { asyncScheduler, type Observable, type OperatorFunction } from 'rxjs';
import { lifecycleStream } from '../actor/lifecycle-stream.js';
import type { Sink } from '../actor/process.js';
import type { ChildSpec } from './child-spec.js';
import { checkOptions } from './check-options.js';
import type { SupervisorNotification } from './events.js';
import type { Strategy, SupervisorOptions } from './options.js';
import { SupervisorProcess } from './supervisor-process.js';

/**
 * @internal The operator behind `oneForOne`, `oneForAll` and `restForOne`:
 * options are checked once, and each subscription is one supervisor incarnation.
 */
export function supervisorOperator(
  fn: string,
  strategy: Strategy,
  options: SupervisorOptions,
): OperatorFunction<ChildSpec, SupervisorNotification> {
  const checked = checkOptions(fn, options);
  const resolved = { ...checked, scheduler: checked.scheduler ?? asyncScheduler };
  return (specs$: Observable<ChildSpec>) => {
    // The stream is the tree's identity: one running copy of it per registry.
    const tree: Observable<SupervisorNotification> = lifecycleStream(
      'supervisor',
      (_args: void, _options: void, sink: Sink<SupervisorNotification>) =>
        new SupervisorProcess(strategy, resolved, specs$, sink, tree).boot(),
      undefined,
      undefined,
    );
    return tree;
  };
}
