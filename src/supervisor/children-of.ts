import { badTarget, isPid, isVia, type Address } from '../actor/address.js';
import type { ChildInfo } from './events.js';
import { SupervisorProcess } from './supervisor-process.js';

/**
 * A running supervisor's children now, synchronously, in start order — what
 * `whichChildren` answers, without a call through its mailbox (so a dashboard
 * can read a large tree without queueing behind its restarts). `undefined`
 * when the address is not a live supervisor of this process (a worker, a dead
 * or remote pid, a name held by nothing).
 *
 * @example
 * ```ts
 * for (const c of childrenOf(sup) ?? []) console.log(c.id, c.status, c.queued);
 * ```
 */
export function childrenOf(supervisor: Address): readonly ChildInfo[] | undefined {
  if (!isPid(supervisor) && !isVia(supervisor)) badTarget('childrenOf', supervisor, 'supervisor');
  const pid = isPid(supervisor) ? supervisor : supervisor.registry.whereis(supervisor.name);
  const process = pid?.target;
  if (!(process instanceof SupervisorProcess) || process.dead) return undefined;
  return process.childInfos();
}
