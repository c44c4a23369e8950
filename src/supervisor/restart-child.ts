import type { Address } from '../actor/address.js';
import type { Pid } from '../actor/pid.js';
import { controlCall } from './control-call.js';

/**
 * Starts a terminated child again (or one waiting out a backoff, at once) and resolves with its new pid. Rejects with `ChildRunningError` if it is running, `NoSuchChildError` for an unknown id, `ActorExitError` if the start fails.
 *
 * @example
 * ```ts
 * const pid = await restartChild(sup, 'worker-1');
 * ```
 */
export function restartChild(supervisor: Address, id: string): Promise<Pid> {
  return controlCall('restartChild', supervisor, { op: 'restart', id });
}
