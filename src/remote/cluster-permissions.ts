import { readFields } from '../check/read-fields.js';
import { checkClusterName } from './check-cluster-name.js';
import { checkSubjectToken } from './nats-link.js';
import { bucketName } from './subjects.js';

/**
 * Options of `clusterPermissions`.
 *
 * @example
 * ```ts
 * clusterPermissions({ name: 'api', cluster: 'shop' });
 * ```
 */
export interface ClusterPermissionsOptions {
  /** The node these credentials are for: the `name` it joins with. */
  readonly name: string;
  /** The cluster's name, as given to `joinCluster` (default `rxotp`). */
  readonly cluster?: string;
}

/**
 * A nats-server `permissions` block for one node of a cluster: it may publish
 * only as itself (every subject it publishes on carries its name, and a
 * receiver trusts nothing else), hear only what is sent to it and everyone's
 * heartbeats, and use the cluster's names bucket. Give each node its own user
 * (or nkey) with these permissions; the node connects with
 * `inboxPrefix: '_INBOX_<name>'`, so replies to it are its alone. The value is
 * plain JSON, and nats-server reads JSON in its configuration file.
 *
 * What a member with valid credentials can still do: anything a node of the
 * cluster does, as itself — send to, call and stop any pid it can address,
 * and register, take over or remove any name in the bucket (as an Erlang node
 * holding the cookie can). It cannot speak as another node, answer calls made
 * to another node, or read another node's traffic.
 *
 * @example
 * ```ts
 * const conf = { authorization: { users: [
 *   { user: 'api', password: secret, permissions: clusterPermissions({ name: 'api' }) },
 * ] } };
 * writeFileSync('nats.conf', JSON.stringify(conf));
 * // on the node: connect({ servers, user: 'api', pass: secret, inboxPrefix: '_INBOX_api' })
 * ```
 */
export function clusterPermissions(options: ClusterPermissionsOptions): {
  readonly publish: { readonly allow: readonly string[] };
  readonly subscribe: { readonly allow: readonly string[] };
} {
  const like = "{ name: 'api' }";
  const fields = readFields('clusterPermissions', 'options', options, ['name', 'cluster'], like);
  if (fields === undefined) {
    throw new TypeError(
      `clusterPermissions: options must be an object like ${like}, got undefined.`,
    );
  }
  const { name } = fields;
  checkSubjectToken('clusterPermissions', 'name', name);
  const cluster = checkClusterName('clusterPermissions', fields.cluster);
  const bucket = bucketName(cluster);
  const stream = `KV_${bucket}`;
  return {
    publish: {
      allow: [
        // Frames, heartbeats and goodbyes: only under its own name.
        `${cluster}.f.${name}.>`,
        // The names bucket, and the JetStream API calls its client makes.
        `$KV.${bucket}.>`,
        '$JS.API.INFO',
        `$JS.API.STREAM.INFO.${stream}`,
        `$JS.API.STREAM.CREATE.${stream}`,
        `$JS.API.STREAM.MSG.GET.${stream}`,
        `$JS.API.DIRECT.GET.${stream}.>`,
        `$JS.API.CONSUMER.CREATE.${stream}`,
        `$JS.API.CONSUMER.CREATE.${stream}.>`,
        `$JS.API.CONSUMER.INFO.${stream}.*`,
        `$JS.API.CONSUMER.DELETE.${stream}.*`,
        `$JS.FC.${stream}.>`,
        `$JS.ACK.${stream}.>`,
      ],
    },
    subscribe: {
      allow: [
        // Frames to it, from anyone.
        `${cluster}.f.*.*.t.${name}.*`,
        // Heartbeats and goodbyes (five tokens; frames have seven).
        `${cluster}.f.*.*.*`,
        // The server's "no responders" answers to its calls.
        `${cluster}.nr.${name}.>`,
        // Replies to its requests, and its bucket watch.
        `_INBOX_${name}.>`,
      ],
    },
  };
}
