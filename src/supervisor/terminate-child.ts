import type { Address } from '../actor/address.js';

import { controlCall } from './control-call.js';

/**
 * Stops a child (within its shutdown) and keeps its spec, so `restartChild` can start it again (a temporary child's spec is dropped). Its name is freed and messages held for it become dead letters. Rejects with `NoSuchChildError` for an unknown id.
 *
 * @example
 * ```ts
 * await terminateChild(sup, 'worker-1');
 * ```
 */
export function terminateChild(supervisor: Address, id: string): Promise<void> {
  return controlCall('terminateChild', supervisor, { op: 'terminate', id });
}
