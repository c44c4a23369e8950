import type { Pid } from '../actor/pid.js';
import { checkGroupArgs, type GroupScope } from './group-scope.js';

/**
 * Removes `pid` from process group `group` (Erlang's `pg:leave`).
 *
 * @example
 * ```ts
 * join('counters', pid);
 * leave('counters', pid); // true
 * ```
 *
 * @param group - The group's name.
 * @param pid - The member to remove.
 * @param scope - The scope (default: the process-wide one).
 * @returns `true` if it was a member.
 */
export function leave(group: string, pid: Pid, scope?: GroupScope): boolean {
  return checkGroupArgs('leave', group, scope, { value: pid }).leave(group, pid);
}
