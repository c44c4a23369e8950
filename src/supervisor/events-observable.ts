import { EMPTY, Observable } from 'rxjs';
import { badTarget, isPid, isVia, type Address } from '../actor/address.js';
import type { SupervisorEvent } from './events.js';
import { SupervisorProcess } from './supervisor-process.js';

/**
 * A running supervisor's events from now on (its subtree's, with paths
 * relative to it), for watchers other than the one that subscribed the tree:
 * dashboards, logs, tests. Completes when that supervisor exits; through `via`
 * it resolves the name once, at subscription. Anything that is not a live
 * supervisor gives an empty stream.
 *
 * @example
 * ```ts
 * events$(via(registry, 'workers')).subscribe((e) => e.kind === 'restart' && log(e));
 * ```
 */
export function events$(supervisor: Address): Observable<SupervisorEvent> {
  if (!isPid(supervisor) && !isVia(supervisor)) badTarget('events$', supervisor, 'supervisor');
  return new Observable<SupervisorEvent>((subscriber) => {
    const pid = isPid(supervisor) ? supervisor : supervisor.registry.whereis(supervisor.name);
    const process = pid?.target;
    if (!(process instanceof SupervisorProcess) || process.dead) return EMPTY.subscribe(subscriber);
    return process.events().subscribe(subscriber);
  });
}
