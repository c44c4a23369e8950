import { INFO } from '../mailbox/kinds.js';
import { deliver } from '../messaging/deliver.js';
import { checkGroupArgs, type GroupScope } from './group-scope.js';

/**
 * Sends `message` as an info message to each member of `group` now, in join
 * order (what `send` does, member by member: a member that has just exited
 * makes a dead letter).
 *
 * @example
 * ```ts
 * join('counters', pid);
 * broadcast('counters', { add: 1 }); // 1
 * ```
 *
 * @param group - The group's name.
 * @param message - The message, the same object for every member.
 * @param scope - The scope (default: the process-wide one).
 * @returns How many members it was sent to.
 */
export function broadcast(group: string, message: unknown, scope?: GroupScope): number {
  const members = checkGroupArgs('broadcast', group, scope).members(group);
  for (const pid of members) deliver('broadcast', pid, INFO, message);
  return members.length;
}
