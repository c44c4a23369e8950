import { isPid, isVia, type Address } from '../actor/address.js';
import type { Protocol } from '../actor/protocol.js';
import { CAST } from '../mailbox/kinds.js';
import { deliver } from './deliver.js';

/**
 * Fire-and-forget request, handled by `handleCast`. Returns `false` (and
 * publishes a dead letter) when the target is dead or the name unknown.
 *
 * @example
 * ```ts
 * cast(counter, 'inc');
 * ```
 */
export function cast<P extends Protocol>(target: Address<P>, request: P['cast']): boolean {
  // The common cases first: a live pid, a name.
  if (isPid(target)) {
    if (target.target.post(CAST, request, undefined)) return true;
  } else if (isVia(target)) {
    return target.registry.deliver(target.name, CAST, request, target);
  }
  return deliver('cast', target, CAST, request);
}
