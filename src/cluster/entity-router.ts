import { EMPTY, Subject, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { genServer, type GenServer } from '../actor/gen-server.js';
import type { Pid } from '../actor/pid.js';
import { lost } from '../actor/process.js';
import type { Protocol } from '../actor/protocol.js';
import { spawn } from '../actor/spawn.js';
import { Via } from '../actor/via.js';
import { HoldOverflowError } from '../errors/hold-overflow-error.js';
import { NoProcError } from '../errors/no-proc-error.js';
import { NoSuchChildError } from '../errors/no-such-child-error.js';
import { errorExit, type ExitReason } from '../exit/exit-reason.js';
import { CALL, CAST, INFO } from '../mailbox/kinds.js';
import { CallRef } from '../messaging/call-ref.js';
import { stop } from '../messaging/stop.js';
import { Registry } from '../registry/registry.js';
import { encodeKey } from '../remote/bucket-keys.js';
import type { ClusterNode } from '../remote/join-cluster.js';
import { jsonCodec } from '../remote/nats-link.js';
import { report } from '../report/reports.js';
import { child } from '../supervisor/child.js';
import type { ChildSpec } from '../supervisor/child-spec.js';
import { deleteChild } from '../supervisor/delete-child.js';
import type { SupervisorNotification } from '../supervisor/events.js';
import { oneForOne } from '../supervisor/one-for-one.js';
import type { BackoffFunction, BackoffOptions } from '../supervisor/options.js';
import { startChild } from '../supervisor/start-child.js';
import { terminateChild } from '../supervisor/terminate-child.js';
import { scheduleAfter } from '../time/schedule-after.js';
import { scheduleEvery } from '../time/schedule-every.js';
import { shardOf } from './shard-of.js';
import { shardOwner } from './shard-owner.js';

/**
 * The part of a JetStream KV bucket entities use: a `KV` from `@nats-io/kv`
 * 3.x (`await new Kvm(connection).create('rxotp_entities', { history: 1 })`) fits.
 *
 * @example
 * ```ts
 * import { Kvm } from '@nats-io/kv';
 * const bucket: EntityKv = await new Kvm(connection).create('rxotp_entities', { history: 1 });
 * ```
 */
export interface EntityKv {
  /** Puts `value` only if `key` has no value (compare-and-set); resolves its revision. */
  create(key: string, value: Uint8Array): Promise<number>;
  /** The key's last entry (`null` if it never had one). */
  get(key: string): Promise<{
    readonly value: Uint8Array;
    readonly revision: number;
    readonly operation: string;
  } | null>;
  /** Deletes `key` only if it is at revision `previousSeq`. */
  delete(key: string, options: { previousSeq: number }): Promise<void>;
}

/**
 * What an entity region counts, for dashboards and tests.
 *
 * @example
 * ```ts
 * const { active, held } = region.stats();
 * ```
 */
export interface EntityStats {
  /** Entities running on this node now. */
  readonly active: number;
  /** Entities being activated (claiming their key) or stopped (passivation, handoff) here now. */
  readonly moving: number;
  /** Messages held here for entities being activated or stopped. */
  readonly held: number;
  /** Activations made on this node so far. */
  readonly activations: number;
  /** Entities stopped here after their idle timeout. */
  readonly passivations: number;
  /** Entities stopped here because their shard moved to another node. */
  readonly handoffs: number;
}

/**
 * The entities of one type on one node: where `entity(region, id)` sends go.
 * Made by `entities(node, type, def, options)`.
 *
 * @example
 * ```ts
 * const carts = await entities(node, 'cart', cart, { bucket });
 * await call(entity(carts, 'alice'), 'total');
 * ```
 *
 * @typeParam P - The protocol of the entity actors.
 */
export interface EntityRegion<P extends Protocol = Protocol> {
  /** The entity type. */
  readonly type: string;
  /** The node this region runs on. */
  readonly node: string;
  /** @internal Type-level only. */
  readonly protocol?: P;
  /** The node that owns `id`'s shard as this node sees the cluster now. */
  owner(id: string): string;
  /** The nodes running this type's region, this one included, as seen here now. */
  members(): readonly string[];
  /** Counters: active, moving, held, activations, passivations, handoffs. */
  stats(): EntityStats;
  /**
   * Stops every entity of this region here, frees their keys, and leaves:
   * other nodes take this node's shards. Messages held here go to dead letters.
   */
  close(): Promise<void>;
}

/** @internal Options after checking. */
export interface RouterOptions {
  readonly bucket: EntityKv;
  readonly shards: number;
  readonly idleTimeout: number;
  readonly holdBound: number;
  readonly intensity: number | undefined;
  readonly period: number | undefined;
  readonly backoff: BackoffOptions | BackoffFunction | undefined;
  readonly scheduler: SchedulerLike;
}

/** One entity's activation on this node. */
interface Act {
  /**
   * `claiming`: its key is being written, then its actor started (messages
   * held); `running`: messages go to its actor; `stopping`: its actor is being
   * stopped and its key freed (messages held, then routed afresh).
   */
  state: 'claiming' | 'running' | 'stopping';
  /** The address of its actor in the region's local registry. */
  readonly via: Via;
  /** Messages held while it is claimed or stopped, in arrival order. */
  queue: EntityMessage[];
  /** The key's revision this activation wrote. */
  revision: number;
  /** When it last got a message, on the region's scheduler. */
  last: number;
}

/** A message held for an entity: its mailbox kind, its payload, and how often it was passed on. */
interface EntityMessage {
  readonly kind: number;
  readonly payload: unknown;
  readonly hops: number;
}

/** Forwards owner-ward before taking an entity regardless (views of the members may differ). */
const MAX_HOPS = 3;
/** A message passed on this many times has met a routing loop: it is lost, with an error. */
const HOP_LIMIT = MAX_HOPS + 6;
/** Key writes (create, then read and delete on a conflict) one region makes at once. */
const MAX_CLAIMS = 64;
const CONFLICT = 10071;
const LONGEST_RETRY = 2000;
const text = new TextDecoder();

/** @internal The registry name of a region of `type` on `node`. */
export const regionName = (type: string, node: string): string => `rxotp.entities/${type}/${node}`;

/**
 * @internal The router of one entity type on one node. A `Registry` so that
 * `entity(region, id)` is a plain `Via` whose sends land in `deliver` below:
 * send, cast, call and call$ take it with no change of theirs.
 */
export class EntityRouter<P extends Protocol = Protocol>
  extends Registry
  implements EntityRegion<P>
{
  readonly node: string;
  private readonly local = new Registry();
  private readonly acts = new Map<string, Act>();
  private readonly prefix: string;
  private readonly keyPrefix: string;
  /** A token of this region's run: a key written by an earlier run of this node is stale. */
  private readonly run = Math.random().toString(36).slice(2, 10);
  private memberList: readonly string[] = [];
  private owners: (string | undefined)[] = [];
  private supervisor: { pid: Pid; sources: Subject<ChildSpec>; subscription: Subscription } | null =
    null;
  private region: Pid | null = null;
  private readonly subscriptions: Subscription[] = [];
  private closed = false;
  private activations = 0;
  /** Key writes in flight, and the claims waiting for one (a queue read from `waitingHead`). */
  private claiming = 0;
  private readonly waiting: (() => void)[] = [];
  private waitingHead = 0;
  private passivations = 0;
  private handoffs = 0;

  /** @internal */
  constructor(
    private readonly cluster: ClusterNode,
    readonly type: string,
    private readonly def: GenServer<Protocol, string>,
    private readonly options: RouterOptions,
  ) {
    super();
    this.node = cluster.name;
    this.prefix = regionName(type, '');
    this.keyPrefix = `e/${encodeKey(type)}/`;
    this.memberList = [this.node];
  }

  /** @internal Starts the local supervisor and the region actor, and joins the region's members. */
  async start(): Promise<void> {
    this.startSupervisor();
    const region = spawn(regionServer, this as EntityRouter);
    this.region = region;
    // The node leaving (close(), or its connection closing) closes the region first:
    // its entities stop and their keys go while the bucket is still in reach.
    this.subscriptions.push(this.cluster.leaving$.subscribe(() => void this.close()));
    try {
      await this.cluster.registry.claim(regionName(this.type, this.node), region);
    } catch (error) {
      await this.close();
      throw error;
    }
    this.subscriptions.push(
      this.cluster.registry.entries$.subscribe((view) => this.members$(view)),
    );
    const { idleTimeout, scheduler } = this.options;
    if (idleTimeout !== Infinity) {
      this.subscriptions.push(
        scheduleEvery(scheduler, Math.max(1, idleTimeout / 2), () => this.sweep()),
      );
    }
  }

  owner(id: string): string {
    return this.owners[shardOf(id, this.options.shards)] ?? this.node;
  }

  members(): readonly string[] {
    return this.memberList;
  }

  stats(): EntityStats {
    let active = 0;
    let held = 0;
    for (const act of this.acts.values()) {
      if (act.state === 'running') active++;
      held += act.queue.length;
    }
    return {
      active,
      moving: this.acts.size - active,
      held,
      activations: this.activations,
      passivations: this.passivations,
      handoffs: this.handoffs,
    };
  }

  // ---- As a Registry: where entity(region, id) sends arrive -----------------------

  /** @internal */
  override deliver(id: string, kind: number, payload: unknown): boolean {
    return this.receive(id, kind, payload, 0);
  }

  /** The entity's pid if it runs on this node now (so a call to oneself is refused). */
  override whereis(id: string): Pid | undefined {
    return this.acts.get(id)?.state === 'running' ? this.local.whereis(id) : undefined;
  }

  /** @internal Entities are placed by the cluster: nothing is registered by hand. */
  override register(name: string): void {
    throw new TypeError(
      `register: '${name}' cannot be registered in an entity region; entities are placed by the cluster (send to entity(region, id)).`,
    );
  }

  // ---- Routing ------------------------------------------------------------------

  /** A message from another node's region: `{ e: id, m: message, h: hops }`. */
  fromWire(kind: number, raw: unknown, from: CallRef | undefined): void {
    const frame = raw as { e?: unknown; m?: unknown; h?: unknown } | null;
    if (
      typeof frame !== 'object' ||
      frame === null ||
      typeof frame.e !== 'string' ||
      typeof frame.h !== 'number' ||
      !Number.isInteger(frame.h) ||
      frame.h < 0 ||
      frame.h > HOP_LIMIT
    ) {
      const error = new TypeError(
        `entities '${this.type}': a message for the region must be { e: id, m: message, h: hops }.`,
      );
      report({ kind: 'remote', node: this.node, operation: 'entity routing', error });
      from?.reject(error);
      return;
    }
    const { e: id, m: message, h: hops } = frame;
    const payload =
      from === undefined
        ? message
        : new CallRef(
            message,
            (value) => from.resolve(value),
            (error) => from.reject(error),
          );
    this.receive(id, kind, payload, hops);
  }

  private receive(id: string, kind: number, payload: unknown, hops: number): boolean {
    if (this.closed) {
      return this.lose(id, kind, payload, new NoProcError(`entity '${this.type}/${id}'`));
    }
    const act = this.acts.get(id);
    if (act !== undefined) {
      if (act.state !== 'running') return this.holdFor(act, id, kind, payload, hops);
      act.last = this.options.scheduler.now();
      return this.local.deliver(id, kind, payload, act.via);
    }
    if (hops >= HOP_LIMIT) {
      return this.lose(
        id,
        kind,
        payload,
        new NoProcError(`entity '${this.type}/${id}' (no node took it after ${hops} hops)`),
      );
    }
    const owner = this.owner(id);
    if (owner !== this.node && hops < MAX_HOPS)
      return this.forward(owner, id, kind, payload, hops + 1);
    this.activate(id, kind, payload, hops);
    return true;
  }

  /** Passes a message to the region of `node`, wrapped with its id and hop count. */
  private forward(node: string, id: string, kind: number, payload: unknown, hops: number): boolean {
    const pid = this.cluster.registry.whereis(regionName(this.type, node));
    // Its region has just gone: this node takes the entity (its key decides).
    if (pid === undefined) return this.receive(id, kind, payload, Math.max(hops, MAX_HOPS));
    let wrapped: unknown;
    if (kind === CALL) {
      const ref = payload as CallRef;
      wrapped = new CallRef(
        { e: id, m: ref.request, h: hops },
        (value) => ref.resolve(value),
        (error) => ref.reject(error),
      );
    } else {
      wrapped = { e: id, m: payload, h: hops };
    }
    try {
      if (pid.target.post(kind, wrapped, undefined) === true) return true;
    } catch (error) {
      // A message its link cannot carry (too large, not encodable): it alone is lost.
      return this.lose(id, kind, payload, error);
    }
    return this.lose(id, kind, payload, new NoProcError(String(pid)));
  }

  private holdFor(act: Act, id: string, kind: number, payload: unknown, hops: number): boolean {
    const { holdBound } = this.options;
    if (act.queue.length >= holdBound) {
      return this.lose(id, kind, payload, new HoldOverflowError(`${this.type}/${id}`, holdBound));
    }
    act.queue.push({ kind, payload, hops });
    return true;
  }

  private lose(id: string, kind: number, payload: unknown, error: unknown): false {
    lost(new Via(this, id), kind, payload, errorExit(error), error);
    return false;
  }

  // ---- Activation ---------------------------------------------------------------

  private activate(id: string, kind: number, payload: unknown, hops: number): void {
    const act: Act = {
      state: 'claiming',
      via: new Via(this.local, id),
      queue: [{ kind, payload, hops }],
      revision: 0,
      last: this.options.scheduler.now(),
    };
    this.acts.set(id, act);
    void this.claim(id, act);
  }

  /**
   * Writes the entity's key (compare-and-set create), then starts its actor
   * and lets the held messages in. A key held by a node no longer among the
   * members, or by an earlier run of this one, is stale: it is deleted at its
   * revision and the create tried again. A key held by a live member sends
   * the held messages there.
   */
  private async claim(id: string, act: Act): Promise<void> {
    await this.slot();
    try {
      if (!(await this.takeKey(id, act))) return;
    } finally {
      this.unslot();
    }
    await this.startEntity(id, act);
  }

  /**
   * Waits for one of the `MAX_CLAIMS` key writes this region makes at once:
   * a burst of first messages to many new entities queues here, in order,
   * instead of flooding the bucket with requests that time out.
   */
  private slot(): Promise<void> {
    if (this.claiming < MAX_CLAIMS) {
      this.claiming++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private unslot(): void {
    if (this.waitingHead < this.waiting.length) {
      const next = this.waiting[this.waitingHead]!;
      this.waiting[this.waitingHead++] = noop;
      if (this.waitingHead === this.waiting.length) {
        this.waiting.length = 0;
        this.waitingHead = 0;
      }
      next();
    } else {
      this.claiming--;
    }
  }

  /** The key-writing half of a claim: `true` once the key is this activation's. */
  private async takeKey(id: string, act: Act): Promise<boolean> {
    const key = this.keyPrefix + encodeKey(id);
    const value = jsonCodec.encode({ node: this.node, run: this.run });
    const { bucket } = this.options;
    for (let attempt = 1; !this.closed && this.acts.get(id) === act; attempt++) {
      try {
        act.revision = await bucket.create(key, value);
        break;
      } catch (error) {
        if (!isConflict(error)) {
          if (isClosed(error)) {
            this.connectionClosed();
            return false;
          }
          await this.pause(attempt, `entity key write of '${this.type}/${id}'`, error);
          continue;
        }
      }
      try {
        const entry = await bucket.get(key);
        if (entry === null || entry.operation !== 'PUT') continue;
        const holder = decodeHolder(entry.value);
        if (holder?.node === this.node && holder.run === this.run) {
          // Written by an earlier activation here that did not free it: it is ours.
          act.revision = entry.revision;
          break;
        }
        if (
          holder === undefined ||
          holder.node === this.node ||
          !this.memberList.includes(holder.node)
        ) {
          await bucket.delete(key, { previousSeq: entry.revision }).catch(ignoreConflict);
          continue;
        }
        // A live member holds it: the messages go there.
        if (this.acts.get(id) !== act) return false;
        this.acts.delete(id);
        this.reroute(id, act.queue, holder.node);
        return false;
      } catch (error) {
        if (isClosed(error)) {
          this.connectionClosed();
          return false;
        }
        await this.pause(attempt, `entity key read of '${this.type}/${id}'`, error);
      }
    }
    return !this.closed && this.acts.get(id) === act;
  }

  /** Starts the entity's actor under the local supervisor, then lets the held messages in. */
  private async startEntity(id: string, act: Act): Promise<void> {
    const key = this.keyPrefix + encodeKey(id);
    const supervisor = this.supervisor!;
    // A first start that fails is not retried: its restart is an empty child that
    // ends at once (normal, so not restarted again), and the activation is given up.
    let starts = 0;
    const start = (): Observable<unknown> =>
      starts++ === 0 || act.state === 'running' ? this.def.start(id) : EMPTY;
    try {
      await startChild(supervisor.pid, child(id, start, { restart: 'transient' }));
    } catch (error) {
      // Its first start failed: the spec goes, then the key; the held messages are lost with the error.
      if (this.acts.get(id) !== act) return;
      this.acts.delete(id);
      await terminateChild(supervisor.pid, id).catch((e: unknown) => this.controlFailed(e));
      await deleteChild(supervisor.pid, id).catch((e: unknown) => this.controlFailed(e));
      await this.free(id, key, act);
      for (const { kind, payload } of act.queue) this.lose(id, kind, payload, error);
      return;
    }
    if (this.acts.get(id) !== act) return;
    this.activations++;
    act.state = 'running';
    act.last = this.options.scheduler.now();
    const queue = act.queue;
    act.queue = [];
    for (const { kind, payload } of queue) this.local.deliver(id, kind, payload, act.via);
    // Taken here though another node owns its shard (views differed): it moves there.
    if (this.owner(id) !== this.node && this.acts.get(id) === act && act.state === 'running') {
      this.handoffs++;
      void this.release(id, act, true);
    }
  }

  /**
   * Stops the entity's actor, frees its key, then routes what was held
   * meanwhile afresh (to the new owner after a handoff, to a new activation
   * after a passivation). `stopped`: the actor has already ended by itself.
   */
  private async release(id: string, act: Act, running: boolean): Promise<void> {
    act.state = 'stopping';
    const supervisor = this.supervisor;
    if (supervisor !== null) {
      if (running)
        await terminateChild(supervisor.pid, id).catch((e: unknown) => this.controlFailed(e));
      await deleteChild(supervisor.pid, id).catch((e: unknown) => this.controlFailed(e));
    }
    await this.free(id, this.keyPrefix + encodeKey(id), act);
    if (this.acts.get(id) !== act) return;
    this.acts.delete(id);
    this.reroute(id, act.queue, undefined);
  }

  /** Sends held messages on, in order: to `node`'s region, or wherever routing takes them now. */
  private reroute(id: string, queue: readonly EntityMessage[], node: string | undefined): void {
    for (const { kind, payload, hops } of queue) {
      if (node === undefined || this.closed) this.receive(id, kind, payload, 0);
      else this.forward(node, id, kind, payload, Math.max(hops + 1, MAX_HOPS));
    }
  }

  /** Deletes the key this activation wrote, retried until it lands or a newer write supersedes it. */
  private async free(id: string, key: string, act: Act): Promise<void> {
    if (act.revision === 0) return;
    for (let attempt = 1; ; attempt++) {
      // A newer activation here took the key over (after the supervisor was replaced): it stays.
      const now = this.acts.get(id);
      if (now !== undefined && now !== act) return;
      try {
        await this.options.bucket.delete(key, { previousSeq: act.revision });
        return;
      } catch (error) {
        if (isConflict(error) || this.closed) return;
        if (isClosed(error)) return this.connectionClosed();
        await this.pause(attempt, `entity key delete of '${key}'`, error);
      }
    }
  }

  /** A failed bucket request: reported on the first try and every tenth; waits before the next. */
  private pause(attempt: number, what: string, error: unknown): Promise<void> {
    if (attempt === 1 || attempt % 10 === 0) {
      report({ kind: 'remote', node: this.node, operation: `${what} (retrying)`, error });
    }
    const ms = Math.min(LONGEST_RETRY, 50 * 2 ** attempt);
    return new Promise((resolve) => scheduleAfter(this.options.scheduler, ms, resolve));
  }

  private controlFailed(error: unknown): void {
    // A child already gone (it ended by itself, or its supervisor was replaced) is no failure.
    if (error instanceof NoSuchChildError || error instanceof NoProcError) return;
    report({ kind: 'remote', node: this.node, operation: 'entity stop', error });
  }

  // ---- Membership, passivation, supervision --------------------------------------

  /** The registry changed: the members are the nodes whose region of this type is registered. */
  private members$(view: ReadonlyMap<string, Pid>): void {
    const members = new Set<string>([this.node]);
    for (const name of view.keys()) {
      if (name.startsWith(this.prefix)) members.add(name.slice(this.prefix.length));
    }
    const sorted = [...members].sort();
    if (sorted.join('\n') === this.memberList.join('\n') && this.owners.length > 0) return;
    this.memberList = sorted;
    const owners: (string | undefined)[] = new Array<string | undefined>(this.options.shards);
    for (let shard = 0; shard < owners.length; shard++) owners[shard] = shardOwner(shard, sorted);
    this.owners = owners;
    // Shards that moved away: their running entities are handed off.
    for (const [id, act] of [...this.acts]) {
      if (act.state === 'running' && this.owner(id) !== this.node) {
        this.handoffs++;
        void this.release(id, act, true);
      }
    }
  }

  /** Passivates the entities idle for `idleTimeout` or more. */
  private sweep(): void {
    const now = this.options.scheduler.now();
    const { idleTimeout } = this.options;
    for (const [id, act] of [...this.acts]) {
      if (act.state === 'running' && now - act.last >= idleTimeout) {
        this.passivations++;
        void this.release(id, act, true);
      }
    }
  }

  private startSupervisor(): void {
    const { intensity, period, backoff, holdBound, scheduler } = this.options;
    const sources = new Subject<ChildSpec>();
    let pid: Pid | undefined;
    const subscription = sources
      .pipe(
        oneForOne({
          registry: this.local,
          holdBound,
          scheduler,
          ...(intensity === undefined ? {} : { intensity }),
          ...(period === undefined ? {} : { period }),
          ...(backoff === undefined ? {} : { backoff }),
        }),
      )
      .subscribe((n) => {
        if (n.kind === 'started') pid = n.pid;
        else this.onSupervisor(n, subscription);
      });
    this.supervisor = { pid: pid!, sources, subscription };
  }

  /** An entity that ended by itself (no restart follows), or the supervisor giving up. */
  private onSupervisor(n: SupervisorNotification, subscription: Subscription | undefined): void {
    if (n.kind === 'exit') {
      if (this.closed || this.supervisor?.subscription !== subscription) return;
      this.supervisorLost(n.reason);
      return;
    }
    if (n.kind !== 'child-exited' || n.path.length !== 1 || n.reason.kind === 'error') return;
    const id = n.path[0]!;
    const act = this.acts.get(id);
    if (act?.state === 'running') void this.release(id, act, false);
  }

  /**
   * The local supervisor gave up (its restart intensity was exceeded): every
   * entity here has stopped. A fresh supervisor takes over; the keys stay
   * this run's, so the next activation of each entity here takes its key back.
   */
  private supervisorLost(reason: ExitReason): void {
    report({
      kind: 'remote',
      node: this.node,
      operation: `entities '${this.type}': the local supervisor exited, a new one starts`,
      error: reason.kind === 'error' ? reason.error : new Error(reason.kind),
    });
    const acts = [...this.acts];
    this.acts.clear();
    this.startSupervisor();
    for (const [id, act] of acts) this.reroute(id, act.queue, undefined);
  }

  /** The connection is closed for good: the region ends as if closed. */
  private connectionClosed(): void {
    void this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    const acts = [...this.acts];
    this.acts.clear();
    // Ends every entity actor here at once (each exits `cancelled`, its terminate runs).
    this.supervisor?.subscription.unsubscribe();
    for (const [id, act] of acts) {
      const queue = act.queue;
      act.queue = [];
      for (const { kind, payload } of queue) {
        this.lose(id, kind, payload, new NoProcError(`entity '${this.type}/${id}'`));
      }
    }
    const { bucket } = this.options;
    const held = acts.filter(([, act]) => act.revision > 0);
    // MAX_CLAIMS at a time, as for claims: 100,000 deletes at once would only time out.
    for (let i = 0; i < held.length; i += MAX_CLAIMS) {
      await Promise.all(
        held.slice(i, i + MAX_CLAIMS).map(([id, act]) =>
          bucket
            .delete(this.keyPrefix + encodeKey(id), { previousSeq: act.revision })
            .catch((error: unknown) => {
              if (!isConflict(error) && !isClosed(error)) {
                report({ kind: 'remote', node: this.node, operation: 'entity key delete', error });
              }
            }),
        ),
      );
    }
    if (this.region !== null) {
      this.cluster.registry.unregister(regionName(this.type, this.node), this.region);
      stop(this.region);
    }
  }
}

/** The region's actor: messages from other nodes' regions, each handed to the router. */
const regionServer = genServer({
  init: (router: EntityRouter) => router,
  handleCall: (request: unknown, from, router: EntityRouter) => {
    router.fromWire(CALL, request, from);
    return { noreply: true, state: router } as const;
  },
  handleCast: (request: unknown, router: EntityRouter) => {
    router.fromWire(CAST, request, undefined);
    return router;
  },
  handleInfo: (message: unknown, router: EntityRouter) => {
    router.fromWire(INFO, message, undefined);
    return router;
  },
});

function noop(): void {}

function isConflict(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === CONFLICT;
}

/**
 * The user closed the NATS connection under the region: nothing here can be
 * written again. The keys left behind are stale, and the other nodes delete
 * them when they activate those entities (their holder is no longer a member).
 */
function isClosed(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ClosedConnectionError';
}

function ignoreConflict(error: unknown): void {
  if (!isConflict(error)) throw error;
}

function decodeHolder(value: Uint8Array): { node: string; run: string } | undefined {
  try {
    const v = JSON.parse(text.decode(value)) as { node?: unknown; run?: unknown } | null;
    if (typeof v?.node === 'string' && typeof v.run === 'string')
      return { node: v.node, run: v.run };
  } catch {
    // Not a value entities wrote: stale for our purposes.
  }
  return undefined;
}
