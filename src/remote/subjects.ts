// The subjects of a cluster. Every subject a node publishes on starts
// `<cluster>.f.<name>.<run>`: the sender's name sits in a fixed token, which
// nats-server permissions can bind to that node's credentials, and which a
// receiver trusts as the sender's identity (never a field of the payload).
// See `clusterPermissions` and docs/design.md, "Remote › Identity".

/** @internal Frames from node `from` (run `fromRun`) to node `to` (run `toRun`). */
export const frameSubject = (
  cluster: string,
  from: string,
  fromRun: string,
  to: string,
  toRun: string,
): string => `${cluster}.f.${from}.${fromRun}.t.${to}.${toRun}`;

/** @internal What a node subscribes to for its frames: from anyone, to this run of it. */
export const inboxSubject = (cluster: string, name: string, run: string): string =>
  `${cluster}.f.*.*.t.${name}.${run}`;

/** @internal A node's heartbeat (`hb`) or goodbye (`bye`). */
export const presenceSubject = (
  cluster: string,
  name: string,
  run: string,
  what: 'hb' | 'bye',
): string => `${cluster}.f.${name}.${run}.${what}`;

/** @internal Every node's heartbeats and goodbyes (five tokens: frames have seven). */
export const presenceWildcard = (cluster: string): string => `${cluster}.f.*.*.*`;

/**
 * @internal Where the server's "no responders" answer to a call comes: a
 * subject no node may publish on, so only the server can speak there.
 */
export const noRespondersPrefix = (cluster: string, name: string, run: string): string =>
  `${cluster}.nr.${name}.${run}.`;

/** @internal The names bucket of a cluster. */
export const bucketName = (cluster: string): string => `${cluster}_names`;

// A node name is one subject token; a run is what `joinCluster` draws.
const NODE = /^[^.*>\s]+$/;
const RUN = /^[0-9a-z]{1,16}$/;

/** @internal Whether `address` is `<node>.<run>`: the address of a run of node `node`. */
export function isAddressOf(address: unknown, node: unknown): address is string {
  if (typeof address !== 'string' || typeof node !== 'string' || !NODE.test(node)) return false;
  return address.startsWith(`${node}.`) && RUN.test(address.slice(node.length + 1));
}
