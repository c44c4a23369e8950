import type { Observable } from 'rxjs';
import type { Pid } from '../actor/pid.js';
import { checkGroupArgs, type GroupScope } from './group-scope.js';

/**
 * The members of process group `group`, in join order: the current list at
 * once on subscribe, then a new list on each join, leave or member exit
 * (Erlang's `pg:monitor`). Each list is frozen.
 *
 * @example
 * ```ts
 * members$('counters').subscribe((pids) => console.log(`${pids.length} counters`));
 * ```
 *
 * @param group - The group's name.
 * @param scope - The scope (default: the process-wide one).
 */
export function members$(group: string, scope?: GroupScope): Observable<readonly Pid[]> {
  return checkGroupArgs('members$', group, scope).members$(group);
}
