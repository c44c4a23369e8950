import type { Address } from '../actor/address.js';

import { controlCall } from './control-call.js';

/**
 * Removes a terminated child's spec. Rejects with `ChildRunningError` unless it was terminated first, `NoSuchChildError` for an unknown id.
 *
 * @example
 * ```ts
 * await terminateChild(sup, 'w'); await deleteChild(sup, 'w');
 * ```
 */
export function deleteChild(supervisor: Address, id: string): Promise<void> {
  return controlCall('deleteChild', supervisor, { op: 'delete', id });
}
