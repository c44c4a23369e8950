import type { Address } from '../actor/address.js';
import type { ChildInfo } from './events.js';
import { controlCall } from './control-call.js';

/**
 * Every child of the supervisor, in start order: id, pid, type, restart type, status, restart count and incarnation.
 *
 * @example
 * ```ts
 * for (const c of await whichChildren(sup)) console.log(c.id, c.status, c.restarts);
 * ```
 */
export function whichChildren(supervisor: Address): Promise<ChildInfo[]> {
  return controlCall('whichChildren', supervisor, { op: 'which' });
}
