import { describe } from '../exit/describe.js';
import type { Protocol } from '../actor/protocol.js';
import { Via } from '../actor/via.js';
import { holds } from '../check/holds.js';
import { EntityRouter, type EntityRegion } from './entity-router.js';

/**
 * The address of entity `id` of a region's type: usable wherever a `Pid` is
 * (`send`, `cast`, `call`, `call$`), from any node running the type. Each
 * send is routed to the node that owns the id's shard, which activates the
 * entity if it is not running.
 *
 * @example
 * ```ts
 * const carts = await entities(node, 'cart', cart, { bucket });
 * cast(entity(carts, 'alice'), { add: 'book' });
 * ```
 *
 * @typeParam P - The entities' protocol, taken from the region.
 */
export function entity<P extends Protocol>(region: EntityRegion<P>, id: string): Via<P> {
  if (!isRouter(region)) {
    throw new TypeError(
      `entity: region must be an entity region (await entities(node, type, def, { bucket })), got ${describe(region)}.`,
    );
  }
  if (typeof id !== 'string') {
    throw new TypeError(`entity: id must be a string, got ${describe(id)}.`);
  }
  return new Via<P>(region, id);
}

/** Whether `region` is a region from `entities` (never throws, even for a hostile Proxy). */
function isRouter<P extends Protocol>(region: EntityRegion<P>): region is EntityRouter<P> {
  return holds(() => region instanceof EntityRouter);
}
