import type { Address } from '../actor/address.js';
import { isPid, isVia } from '../actor/address.js';
import type { Pid } from '../actor/pid.js';
import type { Via } from '../actor/via.js';
import type { CastOf, Protocol } from '../actor/protocol.js';
import { CAST } from '../mailbox/kinds.js';
import { FULL } from '../mailbox/mailbox.js';
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
  // One `post` call site, here, for a pid and for a via whose registry has not changed since
  // the via's last send (its cached pid is still the name's). V8 inlines the whole send (the
  // mailbox, the genServer's dispatch and handler) once within its inlining budget, not
  // twice: with a second copy for the via, one of the two was always left out (BENCHMARKS.md,
  // case 7).
  let pid: Pid | undefined;
  let via: Via | undefined;
  if (isPid(target)) pid = target;
  else if (isVia(target)) pid = cachedPid((via = target));
  const posted = pid === undefined ? false : pid.target.post(CAST, request, via);
  // Refused by a dead pid, or no pid at hand: `deliver` resolves the name (a dead pid refuses
  // again, with no effect), and delivers, holds the message while the name is pending, or
  // makes it a dead letter.
  return posted === true || (posted !== FULL && deliver('cast', target, CAST, request));
}

/** A via's cached pid, while its registry has not changed since `Registry.deliver` read it. */
function cachedPid(via: Via): Pid | undefined {
  return via.version === via.registry.version ? via.pid : undefined;
}
