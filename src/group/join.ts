import type { Pid } from '../actor/pid.js';
import { checkGroupArgs, type GroupScope } from './group-scope.js';

/**
 * Adds `pid` to process group `group` (Erlang's `pg:join`), in the
 * process-wide scope or in `scope`. It stays a member until it leaves or
 * exits. A pid is in a group at most once: joining again changes nothing.
 *
 * @example
 * ```ts
 * const pid = spawn(counter, 0);
 * join('counters', pid); // true
 * broadcast('counters', { add: 1 });
 * ```
 *
 * @param group - The group's name: any string.
 * @param pid - The member: a pid of this node or, through `clusterGroups`, of another.
 * @param scope - The scope (default: the process-wide one).
 * @returns `true` if it joined; `false` if it was already a member or has exited.
 */
export function join(group: string, pid: Pid, scope?: GroupScope): boolean {
  return checkGroupArgs('join', group, scope, { value: pid }).join(group, pid);
}
