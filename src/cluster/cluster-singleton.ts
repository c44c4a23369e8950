import { Observable, type SchedulerLike } from 'rxjs';
import { describe } from '../exit/describe.js';
import type { Protocol } from '../actor/protocol.js';
import type { Via } from '../actor/via.js';
import { hasMethods } from '../check/has-methods.js';
import { readScheduler } from '../check/read-scheduler.js';
import { readFields } from '../check/read-fields.js';
import { AlreadyRegisteredError } from '../errors/already-registered-error.js';
import { checkHeartbeat } from '../remote/check-heartbeat.js';
import type { ClusterNode } from '../remote/join-cluster.js';
import { via } from '../registry/via.js';
import { checkSpec } from '../supervisor/check-spec.js';
import type { ChildSpec } from '../supervisor/child-spec.js';
import { Lease } from './lease.js';
import type { SingletonEvent } from './singleton-event.js';
import type { SingletonKv } from './singleton-kv.js';
import { viewOf } from './view-of.js';
import { checkHoldBound } from './check-hold-bound.js';
import { checkLeaseKey } from './check-lease-key.js';
import { checkNode } from './check-node.js';

/**
 * Options of `clusterSingleton` (and `singletonVia`'s `holdBound`).
 *
 * @example
 * ```ts
 * const options: ClusterSingletonOptions = { bucket: leases, heartbeat: { interval: 500, missed: 4 } };
 * ```
 */
export interface ClusterSingletonOptions {
  /** The bucket of leases, the same on every node (`new Kvm(connection).create('rxotp_leases', { history: 1 })`). */
  readonly bucket: SingletonKv;
  /**
   * The singleton's name in `node.registry`, and its lease's key (default: the
   * spec's `name`, else its `id`); letters, digits, `-` and `_`.
   */
  readonly name?: string;
  /**
   * The lease's beat: renewed every `interval` ms (default 1000); a node takes
   * a lease left unchanged for more than `missed` intervals (default 4, at
   * least 3); an owner that could not renew for `missed - 1` intervals stops
   * the child first.
   */
  readonly heartbeat?: { readonly interval?: number; readonly missed?: number };
  /** The most messages held on this node while the name points at no owner (default 1000). */
  readonly holdBound?: number;
  /** The scheduler the lease's beats run on (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
}

/**
 * A child spec for a supervisor, from `clusterSingleton`: the spec itself plus
 * `address`, where to send to the singleton from this node.
 *
 * @example
 * ```ts
 * const ticker: ClusterSingletonSpec = clusterSingleton(node, child('ticker', start), { bucket });
 * ```
 *
 * @typeParam P - The singleton's protocol, as `address` accepts it.
 */
export interface ClusterSingletonSpec<P extends Protocol = Protocol> extends ChildSpec {
  /** The singleton's name, on whichever node runs it; messages wait here while it moves. */
  readonly address: Via<P>;
}

const tokens = new WeakMap<ClusterNode, string>();
const active = new WeakMap<ClusterNode, Set<string>>();

/**
 * Marks `spec` for the cluster: under any supervisor of any node that declares
 * it, the child runs on exactly one live node at a time, the one holding its
 * lease in `options.bucket` (JetStream KV, compare-and-set on the revision,
 * renewed every heartbeat). Elsewhere the wrapper waits. When the owner is
 * lost, a survivor takes the lease after more than `missed` silent intervals
 * and starts the child there; an owner that cannot renew stops the child a
 * whole interval before that. The child's pid is named `name` in
 * `node.registry`; sends through `address` (or `singletonVia`) while no owner
 * runs are held on the sender's node and delivered in order to the next
 * incarnation. Stopping the wrapper, or `node.close()`, hands over at once.
 *
 * The supervisor's own registry names the wrapper by its id: keep it local
 * (the default), not `node.registry`.
 *
 * @example
 * ```ts
 * const leases = await new Kvm(connection).create('rxotp_leases', { history: 1 });
 * const ticker = clusterSingleton(node, child('ticker', () => tick.start(0)), { bucket: leases });
 * supervise([ticker]).subscribe();
 * cast(ticker.address, 'tick');
 * ```
 *
 * @typeParam P - The singleton's protocol, as `address` accepts it.
 */
export function clusterSingleton<P extends Protocol = Protocol>(
  node: ClusterNode,
  spec: ChildSpec,
  options: ClusterSingletonOptions,
): ClusterSingletonSpec<P> {
  const fn = 'clusterSingleton';
  checkNode(fn, node);
  checkSpec(spec, fn);
  const like = '{ bucket }';
  const fields = readFields(
    fn,
    'options',
    options,
    ['bucket', 'name', 'heartbeat', 'holdBound', 'scheduler'],
    like,
  );
  if (fields === undefined) {
    throw new TypeError(`${fn}: options must be an object like ${like}, got undefined.`);
  }
  const bucket = fields.bucket as SingletonKv;
  if (!hasMethods(bucket, ['create', 'update', 'delete', 'watch'])) {
    throw new TypeError(
      `${fn}: options.bucket must be a KV bucket from @nats-io/kv (create, update, delete, watch), got ${describe(bucket)}.`,
    );
  }
  const name = fields.name === undefined ? (spec.name ?? spec.id) : fields.name;
  checkLeaseKey(fn, 'options.name', name);
  const { interval, missed } = checkHeartbeat(fn, { missed: 4, ...readHeartbeat(fn, fields) });
  if (missed < 3) {
    throw new RangeError(
      `${fn}: options.heartbeat.missed must be at least 3 (default 4): an owner stops its child ` +
        `after missed - 1 intervals without renewing, one interval before others may take over; got ${missed}.`,
    );
  }
  const holdBound = checkHoldBound(fn, fields.holdBound);
  const scheduler = readScheduler(fn, fields.scheduler);
  let token = tokens.get(node);
  if (token === undefined) {
    tokens.set(node, (token = `${node.name}.${Math.random().toString(36).slice(2, 10)}`));
  }
  const runToken = token;
  const wrapper = new Observable<SingletonEvent>((subscriber) => {
    let names = active.get(node);
    if (names === undefined) active.set(node, (names = new Set()));
    if (names.has(name)) {
      subscriber.error(
        new AlreadyRegisteredError(name, `another clusterSingleton on node '${node.name}'`),
      );
      return;
    }
    names.add(name);
    const lease = new Lease(
      { node, bucket, name, spec, interval, missed, scheduler, token: runToken },
      subscriber,
    );
    lease.start();
    return () => {
      lease.end();
      names.delete(name);
    };
  });
  const { start: _start, name: _name, mailbox: _mailbox, type: _type, ...rest } = spec;
  return {
    ...rest,
    type: 'worker',
    start: () => wrapper,
    address: via<P>(viewOf(node, name, holdBound), name),
  };
}

function readHeartbeat(
  fn: string,
  fields: { heartbeat?: unknown },
): { interval?: unknown; missed?: unknown } {
  const beat = readFields(
    fn,
    'options.heartbeat',
    fields.heartbeat,
    ['interval', 'missed'],
    '{ interval: 1000, missed: 4 }',
  );
  return beat ?? {};
}
