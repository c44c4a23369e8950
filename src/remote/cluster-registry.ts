import type { Pid } from '../actor/pid.js';
import { Registry } from '../registry/registry.js';
import type { ClusterKv, ClusterKvEntry } from './cluster-kv.js';
import { ClusterNames, type ClusterHost } from './cluster-names.js';

/**
 * A `Registry` shared by every node of a cluster, kept in a JetStream KV
 * bucket: a name registered on one node resolves on all of them to the same
 * pid (remote elsewhere), and follows a supervised child across restarts, its
 * held messages included. Lookups read this node's copy of the bucket, so
 * they stay synchronous; a change made on another node arrives shortly after.
 *
 * `register` checks this node's copy at once and throws as on any registry;
 * the bucket settles races between nodes (a compare-and-set create), and a pid
 * whose registration loses one exits with `AlreadyRegisteredError`, as OTP's
 * `global` ends one of two pids that share a name. `claim` waits for the
 * bucket's answer instead. Only pids of this node can be registered here.
 *
 * @example
 * ```ts
 * const node = await joinCluster({ connection, name: 'a' });
 * await node.registry.claim('db', spawn(db, {}));
 * // on any node:
 * await call(via(node.registry, 'db'), { get: 'k' });
 * ```
 */
export class ClusterRegistry extends Registry {
  /** The work of keeping this registry and the bucket in step, attached as its `NameSync`. */
  private readonly cluster: ClusterNames;

  /** @internal */
  constructor(kv: ClusterKv, host: ClusterHost) {
    super();
    this.cluster = this.attach((local) => new ClusterNames(local, kv, host));
  }

  /**
   * Registers `name` for `pid` (a pid of this node) and resolves once the
   * bucket has accepted it (at once if `pid` already holds it here). Rejects
   * with `AlreadyRegisteredError` (and leaves `pid` running, unnamed) when
   * another node holds the name, `NoProcError` when `pid` exits first, an
   * `Error` when the name is unregistered before the bucket answers, and
   * `RegistryUnavailableError` when the bucket cannot be written or this node
   * has left the cluster.
   */
  claim(name: string, pid: Pid): Promise<void> {
    return this.cluster.claim(name, pid, (n, p) => this.register(n, p));
  }

  /** @internal Applies one value or deletion from the bucket's watch. */
  apply(change: ClusterKvEntry): void {
    this.cluster.apply(change);
  }

  /** @internal The node at `address` was lost (see `ClusterNames.nodeLost`). */
  nodeLost(address: string): void {
    this.cluster.nodeLost(address);
  }

  /** @internal The node at `address` is heard from again (see `ClusterNames.nodeBack`). */
  nodeBack(address: string): void {
    this.cluster.nodeBack(address);
  }

  /** @internal Cut off from the bucket: no more writes; held messages for other nodes go. */
  detach(): void {
    this.cluster.detach();
  }

  /** @internal Leaving the cluster: once the writes in flight are done, this node's names go. */
  close(): Promise<void> {
    return this.cluster.close();
  }
}
