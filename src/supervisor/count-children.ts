import type { Address } from '../actor/address.js';
import type { ChildCounts } from './events.js';
import { controlCall } from './control-call.js';

/**
 * How many children the supervisor has: specs, active, supervisors, workers.
 *
 * @example
 * ```ts
 * const { active } = await countChildren(sup);
 * ```
 */
export function countChildren(supervisor: Address): Promise<ChildCounts> {
  return controlCall('countChildren', supervisor, { op: 'count' });
}
