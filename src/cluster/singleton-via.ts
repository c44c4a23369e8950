import type { NoProtocol, Protocol } from '../actor/protocol.js';
import type { Via } from '../actor/via.js';
import type { ClusterNode } from '../remote/join-cluster.js';
import { via } from '../registry/via.js';
import { checkHoldBound } from './check-hold-bound.js';
import { checkLeaseKey } from './check-lease-key.js';
import { checkNode } from './check-node.js';
import { readFields } from '../check/read-fields.js';
import { viewOf } from './view-of.js';

/**
 * The address of cluster singleton `name` from `node`, which need not declare
 * it: resolved through `node.registry` at each send, and, while no owner runs
 * (the last one lost, the next not started), holding up to `holdBound`
 * messages (default 1000) on this node, delivered in order to the next
 * incarnation. A call's timeout keeps running while it is held. A node has one
 * such holding place per name: the first `holdBound` given for it (here or by
 * `clusterSingleton`) is the one kept.
 *
 * @example
 * ```ts
 * const ticker = singletonVia<TickerProtocol>(node, 'ticker');
 * await call(ticker, 'count');
 * ```
 *
 * @typeParam P - The singleton's protocol (without it, as for `via`, the address accepts no message).
 */
export function singletonVia<P extends Protocol = NoProtocol>(
  node: ClusterNode,
  name: string,
  options?: { readonly holdBound?: number },
): Via<P> {
  const fn = 'singletonVia';
  checkNode(fn, node);
  checkLeaseKey(fn, 'name', name);
  const fields = readFields(fn, 'options', options, ['holdBound'], '{ holdBound: 1000 }');
  const holdBound = checkHoldBound(fn, fields?.holdBound);
  return via<P>(viewOf(node, name, holdBound), name);
}
