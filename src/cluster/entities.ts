import type { SchedulerLike } from 'rxjs';
import { describe } from '../exit/describe.js';
import type { GenServer } from '../actor/gen-server.js';
import type { Protocol } from '../actor/protocol.js';
import { holds } from '../check/holds.js';
import { hasMethods } from '../check/has-methods.js';
import { readScheduler } from '../check/read-scheduler.js';
import { readFields } from '../check/read-fields.js';
import { ClusterRegistry } from '../remote/cluster-registry.js';
import type { ClusterNode } from '../remote/join-cluster.js';
import { oneForOne } from '../supervisor/one-for-one.js';
import type { BackoffFunction, BackoffOptions, SupervisorOptions } from '../supervisor/options.js';
import { checkDuration } from '../time/check-duration.js';
import { EntityRouter, type EntityKv, type EntityRegion } from './entity-router.js';

/**
 * Options of `entities`.
 *
 * @example
 * ```ts
 * const options: EntitiesOptions = { bucket, idleTimeout: 60_000, shards: 128 };
 * ```
 */
export interface EntitiesOptions {
  /**
   * The bucket where each live activation holds its key (`e/<type>/<id>`):
   * a `KV` from `@nats-io/kv`, the same one on every node, e.g.
   * `await new Kvm(connection).create('myapp_entities', { history: 1 })`.
   */
  readonly bucket: EntityKv;
  /** How many shards the ids are spread over; the same on every node (default 256, at most 65536). */
  readonly shards?: number;
  /**
   * An entity with no message for this long (ms) is stopped (passivated); its
   * next message activates it again. Checked every `idleTimeout / 2`, so it
   * goes between 1 and 1.5 times this after its last message. Default
   * 120000; `Infinity` never.
   */
  readonly idleTimeout?: number;
  /** The most messages held for one entity while it is activated, restarted or moved (default 1000). */
  readonly holdBound?: number;
  /** Restarts of this node's entities within `period` before the local supervisor gives up (default 3). */
  readonly intensity?: number;
  /** The window of `intensity`, in ms (default 5000). */
  readonly period?: number;
  /** Backoff between an entity's restarts (default none). */
  readonly backoff?: BackoffOptions | BackoffFunction;
  /** The scheduler of idle checks and retries (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
}

/**
 * Runs entities of `type` on `node`: actors of `def`, each started with its
 * id, addressed by `entity(region, id)` from any node that runs this type.
 * An entity is activated by its first message on the node that owns its
 * shard (rendezvous hashing over the nodes running this type), after its key
 * is written in `options.bucket` (compare-and-set), so the bucket never shows
 * two activations of one id. It is supervised by a local `oneForOne`
 * supervisor (restarted after a crash, messages held meanwhile), stopped
 * after `idleTimeout` without messages, and handed off when a node joins or
 * leaves: stopped here, its key freed, then started on its new owner at its
 * next message, with the messages that arrived meanwhile held and passed on
 * in order. Call it once per type on every node that should host entities.
 *
 * @example
 * ```ts
 * const counter = genServer({
 *   init: (id: string) => 0,
 *   handleCall: (_: 'get', _from, n: number) => ({ reply: n, state: n }),
 *   handleCast: (_: 'inc', n: number) => n + 1,
 * });
 * const counters = await entities(node, 'counter', counter, { bucket });
 * cast(entity(counters, 'page-1'), 'inc');
 * await call(entity(counters, 'page-1'), 'get'); // 1, whichever node runs it
 * ```
 *
 * @typeParam P - The entities' protocol, taken from `def`.
 */
export function entities<P extends Protocol>(
  node: ClusterNode,
  type: string,
  def: GenServer<P, string>,
  options: EntitiesOptions,
): Promise<EntityRegion<P>> {
  if (
    !holds(
      () =>
        typeof node === 'object' &&
        node !== null &&
        typeof node.name === 'string' &&
        node.registry instanceof ClusterRegistry,
    )
  ) {
    throw new TypeError(
      `entities: node must be a ClusterNode (await joinCluster({ connection, name })), got ${describe(node)}.`,
    );
  }
  if (typeof type !== 'string' || !/^[-_a-zA-Z0-9]{1,64}$/.test(type)) {
    throw new TypeError(
      `entities: type must be 1 to 64 letters, digits, - and _ (e.g. 'cart'), got ${describe(type)}.`,
    );
  }
  if (!holds(() => typeof def === 'object' && def !== null && typeof def.start === 'function')) {
    throw new TypeError(
      `entities: def must be a genServer definition whose init takes the entity id (genServer({ init: (id: string) => ... })), got ${describe(def)}.`,
    );
  }
  const like = '{ bucket }';
  const fields = readFields(
    'entities',
    'options',
    options,
    ['bucket', 'shards', 'idleTimeout', 'holdBound', 'intensity', 'period', 'backoff', 'scheduler'],
    like,
  );
  if (fields === undefined) {
    throw new TypeError(`entities: options must be an object like ${like}, got undefined.`);
  }
  const { shards = 256, idleTimeout = 120_000, holdBound = 1000 } = fields;
  const bucket = fields.bucket as EntityKv;
  if (!hasMethods(bucket, ['create', 'get', 'delete'])) {
    throw new TypeError(
      `entities: options.bucket must be a KV bucket from @nats-io/kv (create, get, delete), got ${describe(bucket)}.`,
    );
  }
  if (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1 || shards > 65536) {
    throw new RangeError(
      `entities: options.shards must be a whole number from 1 to 65536 (default 256), got ${describe(shards)}.`,
    );
  }
  checkDuration('entities', 'options.idleTimeout', idleTimeout, 'allowed');
  if (idleTimeout === 0) {
    throw new RangeError(
      'entities: options.idleTimeout must be more than 0 ms (default 120000; Infinity never passivates), got 0.',
    );
  }
  if (typeof holdBound !== 'number' || !(holdBound >= 0)) {
    throw new RangeError(
      `entities: options.holdBound must be a number >= 0 (default 1000), got ${describe(holdBound)}.`,
    );
  }
  const scheduler = readScheduler('entities', fields.scheduler);
  // The local supervisor's options are checked by oneForOne's own checks, here, before anything starts.
  const supervision = {
    ...(fields.intensity === undefined ? {} : { intensity: fields.intensity }),
    ...(fields.period === undefined ? {} : { period: fields.period }),
    ...(fields.backoff === undefined ? {} : { backoff: fields.backoff }),
  } as SupervisorOptions;
  try {
    oneForOne(supervision);
  } catch (error) {
    const Kind = error instanceof RangeError ? RangeError : TypeError;
    throw new Kind(`entities: ${(error as Error).message}`);
  }
  const router = new EntityRouter<P>(node, type, def, {
    bucket,
    shards,
    idleTimeout,
    holdBound,
    intensity: fields.intensity as number | undefined,
    period: fields.period as number | undefined,
    backoff: fields.backoff as BackoffOptions | BackoffFunction | undefined,
    scheduler,
  });
  return router.start().then(() => router);
}
