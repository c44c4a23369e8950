import type { Address } from '../actor/address.js';
import type { CastOf, Protocol } from '../actor/protocol.js';
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
 *
 * @typeParam P - The target's protocol, which types the request.
 */
export function cast<P extends Protocol>(target: Address<P>, request: CastOf<P>): boolean {
  return deliver('cast', target, CAST, request);
}
