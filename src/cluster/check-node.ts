import { describe } from '../exit/describe.js';
import { hasMethods } from '../check/has-methods.js';
import { holds } from '../check/holds.js';
import type { ClusterNode } from '../remote/join-cluster.js';

/** @internal Checks that `node` is a node from `joinCluster` (a name, a registry, `leaving$`). */
export function checkNode(fn: string, node: unknown): asserts node is ClusterNode {
  if (
    !holds(
      () =>
        typeof (node as ClusterNode).name === 'string' &&
        hasMethods((node as ClusterNode).registry, ['claim', 'whereis$']) &&
        typeof (node as ClusterNode).leaving$?.subscribe === 'function',
    )
  ) {
    throw new TypeError(
      `${fn}: node must be a ClusterNode from joinCluster(), got ${describe(node)}.`,
    );
  }
}
