import type { Address } from '../actor/address.js';
import type { InfoOf, Protocol } from '../actor/protocol.js';
import { INFO } from '../mailbox/kinds.js';
import { deliver } from './deliver.js';

/**
 * Sends a raw message, handled by `handleInfo`. Returns `false` (and publishes a
 * dead letter) when the target is dead or the name unknown.
 *
 * @example
 * ```ts
 * send(pid, { tick: 1 });
 * ```
 *
 * @typeParam P - The target's protocol, which types the message.
 */
export function send<P extends Protocol>(target: Address<P>, message: InfoOf<P>): boolean {
  return deliver('send', target, INFO, message);
}
