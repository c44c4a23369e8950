/**
 * rxotp/remote: nodes and the links between them. A pid of another node is a
 * `Pid` like any other, so `send`, `cast`, `call`, `stop` and `exit$` reach it
 * unchanged. `joinCluster` makes this process a node of a cluster over NATS
 * with JetStream, sharing one cluster-wide registry; `connectNode` joins
 * exactly two nodes over a `Link`: two threads (`portLink`) or two processes
 * over NATS (`natsLink`). Its own entry point, so importing `rxotp` never loads
 * a transport.
 *
 * @module rxotp/remote
 */
export type { ConnectedNode, NodeOptions } from './connect-node.js';
export { connectNode } from './connect-node.js';
export type { Link } from './link.js';
export type { LinkPairOptions } from './link-pair.js';
export { linkPair } from './link-pair.js';
export type { LinkPort } from './port-link.js';
export { portLink } from './port-link.js';
export { MessageTooLargeError } from '../errors/message-too-large-error.js';
export { NodeDownError } from '../errors/node-down-error.js';
export { RegistryUnavailableError } from '../errors/registry-unavailable-error.js';
export type { NatsLinkCodec, NatsLinkConnection, NatsLinkOptions } from './nats-link.js';
export { jsonCodec, natsLink } from './nats-link.js';
export type {
  ClusterConnection,
  ClusterNode,
  ClusterOptions,
  ClusterStats,
} from './join-cluster.js';
export { joinCluster } from './join-cluster.js';
export type { ClusterGroups, ClusterGroupsOptions } from './cluster-groups.js';
export { clusterGroups } from './cluster-groups.js';
export type { ClusterKv, ClusterKvEntry } from './cluster-kv.js';
export { ClusterRegistry } from './cluster-registry.js';
export type { ClusterPermissionsOptions } from './cluster-permissions.js';
export { clusterPermissions } from './cluster-permissions.js';
export type { EntitiesOptions } from '../cluster/entities.js';
export { entities } from '../cluster/entities.js';
export type { EntityKv, EntityRegion, EntityStats } from '../cluster/entity-router.js';
export { entity } from '../cluster/entity.js';
export type {
  ClusterSingletonOptions,
  ClusterSingletonSpec,
} from '../cluster/cluster-singleton.js';
export { clusterSingleton } from '../cluster/cluster-singleton.js';
export { singletonVia } from '../cluster/singleton-via.js';
export type { SingletonEvent } from '../cluster/singleton-event.js';
export type { SingletonKv } from '../cluster/singleton-kv.js';
