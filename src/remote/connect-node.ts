import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { Pid } from '../actor/pid.js';
import type { Via } from '../actor/via.js';
import { describe } from '../actor/address.js';
import { holds } from '../check/holds.js';
import { isScheduler } from '../check/is-scheduler.js';
import { readFields } from '../check/read-fields.js';
import { via } from '../registry/via.js';
import { NoProcError } from '../errors/no-proc-error.js';
import { NodeDownError } from '../errors/node-down-error.js';
import { errorExit, type ExitReason } from '../exit/exit-reason.js';
import { CALL, kindName } from '../mailbox/kinds.js';
import { enter, leave } from '../mailbox/run-queue.js';
import { CallRef } from '../messaging/call-ref.js';
import { lost } from '../actor/process.js';
import { MessageTooLargeError } from '../errors/message-too-large-error.js';
import { report } from '../report/reports.js';
import { deliver } from '../messaging/deliver.js';
import { stop } from '../messaging/stop.js';
import { Registry } from '../registry/registry.js';
import { checkHeartbeat } from './check-heartbeat.js';
import { deadPid } from './dead-pid.js';
import { BadFrameError, decodeFrame, decodeWirePid } from './frame-schema.js';
import { scheduleHeartbeat } from './heartbeat.js';
import { isAddressOf } from './subjects.js';
import type { Link } from './link.js';
import { RemoteTarget, type Forwarder } from './remote-target.js';
import {
  decodeError,
  decodeReason,
  encodeError,
  encodeReason,
  packPids,
  unpackPids,
  type Frame,
  type WirePid,
} from './wire.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Options of `connectNode`.
 *
 * @example
 * ```ts
 * connectNode({ name: 'api', link, registry, heartbeat: { interval: 500, missed: 4 } });
 * ```
 */
export interface NodeOptions {
  /** This node's name, as the peer's pids show it (`<pid 3@api>`). */
  readonly name: string;
  /** The link to the peer node. */
  readonly link: Link;
  /** The names the peer may look up (default: a fresh `Registry`, as `node.registry`). */
  readonly registry?: Registry;
  /**
   * Liveness: a heartbeat every `interval` ms (default 1000); the peer is down
   * after `missed` intervals (default 3) with no frame from it. `false` turns
   * heartbeats off (then only a closed link means node down).
   */
  readonly heartbeat?: { readonly interval?: number; readonly missed?: number } | false;
  /** The scheduler heartbeats run on (default `asyncScheduler`, virtual under `TestScheduler.run`). */
  readonly scheduler?: SchedulerLike;
}

/**
 * This node, connected to one peer node over a link. Its `registry`'s local
 * actors are reachable from the peer; `whereis` finds the peer's.
 *
 * @example
 * ```ts
 * const db = await node.whereis('db');
 * if (db) await call(db, { get: 'k' });
 * ```
 */
export interface ConnectedNode {
  /** This node's name. */
  readonly name: string;
  /** The peer's name, once its greeting arrived. */
  readonly peer: string | undefined;
  /** The names the peer can look up here. */
  readonly registry: Registry;
  /**
   * Looks `name` up in the peer's registry: a remote `Pid` (the same object
   * for the same incarnation while it lives), or `undefined`. Rejects with
   * `NodeDownError` when the peer is lost.
   */
  whereis(name: string): Promise<Pid | undefined>;
  /** `whereis` as a cold Observable: each subscription asks once, emits the answer and completes. */
  whereis$(name: string): Observable<Pid | undefined>;
  /**
   * A local `Registry` that mirrors the peer's: each name the peer registers
   * (for a pid of its own) appears here with its remote pid, shortly after,
   * and goes when the peer unregisters it, the pid exits or the peer is lost.
   * So `via(node.remoteRegistry(), 'db')` follows a supervised child across
   * restarts on the peer, and `whereis`, `whereis$` and `entries$` work as on
   * any registry. A send through a name between two incarnations is a dead
   * letter (`NoProcError`): messages are not held across nodes. Names
   * registered here by hand stay local. The same registry on every call.
   */
  remoteRegistry(): Registry;
  /** Emits the `NodeDownError` once the peer is lost (at once if it already is), then completes. */
  readonly down$: Observable<NodeDownError>;
  /** Counters: frames from the peer dropped because they failed validation (each also reported). */
  stats(): { readonly badFrames: number };
  /** Says goodbye and closes the link: the peer's pids exit here with `NodeDownError`, and ours there. */
  close(): void;
}

/**
 * Connects this process to a peer node over `link`. Local actors registered in
 * `registry` become reachable from the peer, and the peer's names resolve to
 * remote pids that `send`, `cast`, `call`, `call$`, `stop` and `exit$` accept
 * unchanged. Messages, requests, replies and stop reasons cross the link by
 * structured clone: a message that cannot be cloned fails at `send` with a
 * `TypeError` and nothing is sent. Errors cross as `{ name, message }`
 * (rxotp's own errors come back as their classes).
 *
 * @example
 * ```ts
 * const [a, b] = linkPair();
 * const server = connectNode({ name: 'server', link: a });
 * server.registry.register('counter', spawn(counter, 0));
 * const client = connectNode({ name: 'client', link: b });
 * const counterPid = await client.whereis('counter');
 * await call(counterPid!, 'get');
 * ```
 */
export function connectNode(options: NodeOptions): ConnectedNode {
  const like = "{ name: 'a', link }";
  const fields = readFields(
    'connectNode',
    'options',
    options,
    ['name', 'link', 'registry', 'heartbeat', 'scheduler'],
    like,
  );
  if (fields === undefined) {
    throw new TypeError(`connectNode: options must be an object like ${like}, got undefined.`);
  }
  const { name, heartbeat } = fields;
  const link = fields.link as Link;
  const registry = (fields.registry === undefined ? new Registry() : fields.registry) as Registry;
  const scheduler = (
    fields.scheduler === undefined ? asyncScheduler : fields.scheduler
  ) as SchedulerLike;
  if (typeof name !== 'string' || name === '' || name.length > 256) {
    throw new TypeError(
      `connectNode: options.name must be a string of 1 to 256 characters, got ${describe(name)}.`,
    );
  }
  if (
    !holds(() => typeof link.send === 'function' && typeof link.incoming$.subscribe === 'function')
  ) {
    throw new TypeError(
      `connectNode: options.link must be a Link (linkPair(), portLink(port), natsLink(...)), got ${describe(link)}.`,
    );
  }
  if (!holds(() => registry instanceof Registry)) {
    throw new TypeError(
      `connectNode: options.registry must be a Registry, got ${describe(registry)}.`,
    );
  }
  if (!isScheduler(scheduler)) {
    throw new TypeError(
      `connectNode: options.scheduler must be an rxjs SchedulerLike (asyncScheduler, a TestScheduler), got ${describe(scheduler)}.`,
    );
  }
  const beat = heartbeat === false ? null : checkHeartbeat('connectNode', heartbeat);
  const connection = new Connection(name, link, registry, {});
  if (beat !== null) connection.beat(scheduler, beat.interval, beat.missed);
  return connection;
}

/** @internal How a `Connection` fits the node that owns it. */
export interface ConnectionOptions {
  /** The peer's name, when known before its greeting. */
  readonly peer?: string;
  /** The registry whose names are the peer's: a send through one of them carries the name. */
  readonly names?: Registry;
  /** Finds a local pid the peer may address without having been told of it here. */
  readonly resolve?: (id: number) => Pid | undefined;
  /** In a cluster: this node's address and the peer's, so pids of a third node can cross. */
  readonly self?: string;
  readonly address?: string;
  /** In a cluster: makes a local pid addressable by id from every node. */
  readonly publish?: (pid: Pid) => void;
  /** In a cluster: the pid `id` of the node at `address` (a third node). */
  readonly pidAt?: (address: string, node: string, id: number, name: string | undefined) => Pid;
  /** In a cluster: the peer asks to unregister a name of ours held by `pid`. */
  readonly unregister?: (name: string, pid: Pid) => void;
  /** In a cluster: a frame from the peer was dropped as bad (the node counts them all). */
  readonly dropped?: () => void;
}

interface Pending {
  readonly ref: CallRef;
  readonly target: string;
}

interface Query {
  next(pid: Pid | undefined): void;
  error(error: unknown): void;
}

/** @internal One node's end of its conversation with one peer node. */
export class Connection implements ConnectedNode, Forwarder {
  peer: string | undefined;
  readonly down$: Observable<NodeDownError>;
  private down: NodeDownError | null = null;
  private downWatchers: ((error: NodeDownError) => void)[] = [];
  private seq = 0;
  /** Local pids the peer holds, by id; each tells the peer when it exits. */
  private readonly exported = new Map<number, { pid: Pid; remove: () => void }>();
  /** The peer's pids we hold, by id, while they live. */
  private readonly remote = new Map<number, RemoteTarget>();
  private readonly pending = new Map<number, Pending>();
  private readonly queries = new Map<number, Query>();
  private heard = false;
  /** Whether the peer's greeting has arrived. */
  private greeted = false;
  private mirror: Registry | null = null;
  /** The registry whose names the peer's registry shares (see `ConnectionOptions.names`). */
  private names: Registry | null;
  private readonly resolve: ((id: number) => Pid | undefined) | undefined;
  /** @internal The peer's cluster address, when in a cluster. */
  readonly address: string | undefined;
  private readonly self: string | undefined;
  private readonly pidAt: ConnectionOptions['pidAt'];
  private readonly publish: ConnectionOptions['publish'];
  private readonly unregister: ConnectionOptions['unregister'];
  private readonly dropped: ConnectionOptions['dropped'];
  /** The peer's name is given (by the subject it speaks on), not taken from its greeting. */
  private readonly fixedPeer: boolean;
  private badFrames = 0;
  private readonly vias = new Map<string, Via>();
  /** What the peer was last told of our names, while it watches them. */
  private told: Map<string, number> | null = null;
  private watching: Subscription | null = null;
  private timer: Subscription | null = null;
  private readonly inbound: Subscription;

  constructor(
    readonly name: string,
    private readonly link: Link,
    readonly registry: Registry,
    options: ConnectionOptions,
  ) {
    this.peer = options.peer;
    this.names = options.names ?? null;
    this.resolve = options.resolve;
    this.address = options.address;
    this.self = options.self;
    this.pidAt = options.pidAt;
    this.publish = options.publish;
    this.unregister = options.unregister;
    this.dropped = options.dropped;
    this.fixedPeer = options.peer !== undefined;
    this.down$ = new Observable<NodeDownError>((subscriber) => {
      const emit = (error: NodeDownError): void => {
        subscriber.next(error);
        subscriber.complete();
      };
      if (this.down !== null) return emit(this.down);
      this.downWatchers.push(emit);
      return () => {
        const i = this.downWatchers.indexOf(emit);
        if (i >= 0) this.downWatchers.splice(i, 1);
      };
    });
    this.inbound = link.incoming$.subscribe({
      next: (frame) => this.receive(frame),
      // A link that knows why it ended says so in its error's message.
      error: (error: unknown) => this.lose(error instanceof Error ? error.message : 'link closed'),
      complete: () => this.lose('link closed'),
    });
    this.send({ t: 'hello', node: name });
  }

  /** Sends a heartbeat every `interval` ms; the peer is down after `missed` silent intervals. */
  beat(scheduler: SchedulerLike, interval: number, missed: number): void {
    if (this.down !== null) return;
    let silent = 0;
    this.timer = scheduleHeartbeat(scheduler, interval, () => {
      silent = this.heard ? 0 : silent + 1;
      this.heard = false;
      if (silent >= missed) {
        this.lose(`missed ${missed} heartbeats`);
        return false;
      }
      this.send({ t: 'hb' });
      return true;
    });
  }

  whereis(name: string): Promise<Pid | undefined> {
    return new Promise((resolve, reject) => {
      this.whereis$(name).subscribe({ next: resolve, error: reject });
    });
  }

  whereis$(name: string): Observable<Pid | undefined> {
    if (typeof name !== 'string') {
      throw new TypeError(`whereis: name must be a string, got ${describe(name)}.`);
    }
    return new Observable<Pid | undefined>((subscriber) => {
      if (this.down !== null) return subscriber.error(this.down);
      const q = ++this.seq;
      this.queries.set(q, {
        next: (pid) => {
          subscriber.next(pid);
          subscriber.complete();
        },
        error: (error) => subscriber.error(error),
      });
      this.send({ t: 'whereis', q, name });
      return () => this.queries.delete(q);
    });
  }

  remoteRegistry(): Registry {
    if (this.mirror === null) {
      this.mirror = this.names = new Registry();
      if (this.down === null) this.send({ t: 'watch' });
    }
    return this.mirror;
  }

  close(): void {
    if (this.down !== null) return;
    this.send({ t: 'bye' });
    this.lose('closed here');
  }

  // ---- Outgoing ---------------------------------------------------------------

  forward(target: RemoteTarget, kind: number, payload: unknown, via: unknown): void {
    const to = target.pid.id;
    try {
      const call = kind === CALL ? (payload as CallRef) : undefined;
      // A call held while its name waited for a restart may have timed out meanwhile.
      if (call?.done === true) return;
      const content = call === undefined ? payload : call.request;
      const packed = packPids(content, this.toWire);
      const n = call === undefined ? 0 : ++this.seq;
      const frame: Mutable<Frame & { t: 'msg' | 'call' }> =
        call === undefined
          ? { t: 'msg', to, kind, payload: packed }
          : { t: 'call', to, ref: n, request: packed };
      // Through a name the peer shares, the name goes too: it outlives the pid.
      if ((via as Via | undefined)?.registry === this.names) frame.via = (via as Via).name;
      if (packed !== content) frame.p = 1;
      this.link.send(frame);
      if (call === undefined) return;
      this.pending.set(n, { ref: call, target: String(target.pid) });
      // Settled here by a reply, a timeout or the caller going away: forget it.
      call.owner = { paid: () => this.pending.delete(n) };
    } catch (error) {
      if (error instanceof MessageTooLargeError) {
        // Nothing was sent: a dead letter, and a call fails at once; a send or cast throws.
        lost(target.pid, kind, payload, errorExit(error), error);
        if (kind === CALL) return;
        throw error;
      }
      const { message } = (error ?? {}) as { message?: unknown };
      throw new TypeError(
        `${kindName(kind)} to ${String(target.pid)}: the message cannot cross nodes; ` +
          `the link must be able to encode it (no functions or symbols): ` +
          `${typeof message === 'string' ? message : String(error)}`,
      );
    }
  }

  /** A pid inside an outgoing message, as it crosses (see `WirePid`). */
  private readonly toWire = (pid: Pid): WirePid => {
    const name = pid.name ?? null;
    if (pid.node === undefined) {
      // The peer (and any node it passes the pid on to) may address it.
      if (pid.target.reason === undefined) {
        this.export(pid);
        this.publish?.(pid);
      }
      return [0, pid.id, name, this.name];
    }
    const owner = pid.target.carrier;
    if (owner === this) return [1, pid.id, name, pid.node];
    if (!(owner instanceof Connection) || owner.address === undefined || this.pidAt === undefined) {
      throw new TypeError(
        `${String(pid)} cannot be sent to node '${this.peer ?? '?'}': ` +
          `pids cross only between nodes of one cluster`,
      );
    }
    return [owner.address, pid.id, name, pid.node];
  };

  /** A pid inside an incoming message. */
  private readonly fromWire = (raw: unknown): Pid => {
    const [where, id, name, node] = decodeWirePid(raw);
    if (where === 0) return this.remotePid(id, name);
    if (where === 1 || where === this.self) return this.local(id) ?? deadPid(id, noProc);
    if (this.pidAt === undefined || !isAddressOf(where, node)) return deadPid(id, noProc);
    return this.pidAt(where, node, id, name ?? undefined);
  };

  stopRemote(target: RemoteTarget, reason: ExitReason): void {
    this.send({ t: 'stop', to: target.pid.id, reason: encodeReason(reason) });
  }

  monitor(target: RemoteTarget): void {
    if (this.down === null) this.send({ t: 'mon', id: target.pid.id });
  }

  /** A call's frame found no one to take it: the peer node is gone, so is the pid. */
  unreachable(ref: number): void {
    this.accept({ t: 'fail', ref, error: { name: 'NoProcError', message: 'noproc' } });
  }

  /** @internal Asks the peer to unregister its pid `id` from `name` (a cluster name it holds). */
  unregisterRemote(name: string, id: number): void {
    if (this.down === null) this.send({ t: 'unreg', name, id });
  }

  stats(): { readonly badFrames: number } {
    return { badFrames: this.badFrames };
  }

  private send(frame: Frame): void {
    this.link.send(frame);
  }

  // ---- Incoming ---------------------------------------------------------------

  /**
   * @internal Handles one frame from the peer: what `incoming$` feeds, and
   * what a transport that demultiplexes many peers calls directly.
   */
  receive(raw: unknown): void {
    if (this.down !== null) return;
    let frame: Frame;
    try {
      frame = decodeFrame(raw);
    } catch (error) {
      return this.drop(error);
    }
    this.accept(frame);
  }

  /** @internal Handles one frame already checked against the schema (a cluster member checks its own). */
  accept(frame: Frame): void {
    if (this.down !== null) return;
    this.heard = true;
    // Like any rxotp callback: handlers the frame wakes run after it, not inside it.
    enter();
    try {
      this.handle(frame);
    } catch (error) {
      // A pid inside the payload that fails the schema; or a bug: never thrown into the transport.
      if (error instanceof BadFrameError) this.drop(error);
      else
        report({
          kind: 'remote',
          node: this.name,
          operation: `a frame from ${this.peer ?? '?'}`,
          error,
        });
    } finally {
      leave();
    }
  }

  /** A frame that failed the schema: dropped, counted and reported. */
  private drop(error: unknown): void {
    this.badFrames++;
    this.dropped?.();
    report({ kind: 'frame', node: this.name, subject: `link from ${this.peer ?? '?'}`, error });
  }

  private handle(frame: Frame): void {
    switch (frame.t) {
      case 'hello':
        if (!this.fixedPeer) this.peer = frame.node;
        // Our own greeting may have gone out before the peer listened: greet back, once.
        if (!this.greeted) {
          this.greeted = true;
          this.send({ t: 'hello', node: this.name });
        }
        return;
      case 'bye':
        return this.lose('closed by peer');
      case 'hb':
        return;
      case 'msg': {
        const payload = frame.p === 1 ? unpackPids(frame.payload, this.fromWire) : frame.payload;
        return this.route(kindName(frame.kind), frame.to, frame.via, frame.kind, payload);
      }
      case 'mon': {
        const pid = this.local(frame.id);
        if (pid === undefined) {
          const reason = errorExit(new NoProcError(`<pid ${frame.id}@${this.name}>`));
          this.send({ t: 'exit', id: frame.id, reason: encodeReason(reason) });
        }
        return;
      }
      case 'call': {
        const { ref: n } = frame;
        const request = frame.p === 1 ? unpackPids(frame.request, this.fromWire) : frame.request;
        const ref = new CallRef(
          request,
          (value) => {
            try {
              const packed = packPids(value, this.toWire);
              this.link.send(
                packed === value
                  ? { t: 'reply', ref: n, value }
                  : { t: 'reply', ref: n, value: packed, p: 1 },
              );
            } catch (error) {
              this.send({ t: 'fail', ref: n, error: encodeError(error) });
            }
          },
          (error) => this.send({ t: 'fail', ref: n, error: encodeError(error) }),
        );
        return this.route('call', frame.to, frame.via, CALL, ref);
      }
      case 'reply': {
        const pending = this.pending.get(frame.ref);
        if (pending === undefined) return;
        this.pending.delete(frame.ref);
        pending.ref.resolve(frame.p === 1 ? unpackPids(frame.value, this.fromWire) : frame.value);
        return;
      }
      case 'fail': {
        const pending = this.pending.get(frame.ref);
        if (pending === undefined) return;
        this.pending.delete(frame.ref);
        pending.ref.reject(decodeError(frame.error, pending.target));
        return;
      }
      case 'stop': {
        const pid = this.local(frame.to);
        if (pid !== undefined) stop(pid, decodeReason(frame.reason, String(pid)));
        return;
      }
      case 'exit': {
        const target = this.remote.get(frame.id);
        if (target === undefined) return;
        this.remote.delete(frame.id);
        target.exited(decodeReason(frame.reason, String(target.pid)));
        return;
      }
      case 'whereis': {
        const pid = this.registry.whereis(frame.name);
        // Only this node's own pids are offered: a remote pid registered here is not forwarded.
        if (pid === undefined || pid.node !== undefined) {
          this.send({ t: 'where', q: frame.q, id: null, name: null });
          return;
        }
        this.export(pid);
        this.send({ t: 'where', q: frame.q, id: pid.id, name: pid.name ?? null });
        return;
      }
      case 'watch': {
        if (this.watching !== null) return;
        this.told = new Map();
        this.watching = this.registry.entries$.subscribe((names) => this.tell(names));
        return;
      }
      case 'names': {
        const mirror = this.mirror;
        if (mirror === null) return;
        for (const name of frame.del) mirror.unregister(name);
        for (const [name, id, pidName] of frame.set) {
          const pid = this.remotePid(id, pidName);
          mirror.unregister(name);
          // A pid whose exit already arrived is not named again.
          if (!pid.target.dead) {
            mirror.register(name, pid);
          }
        }
        return;
      }
      case 'unreg': {
        const pid = this.local(frame.id);
        if (pid !== undefined) this.unregister?.(frame.name, pid);
        return;
      }
      case 'where': {
        const query = this.queries.get(frame.q);
        if (query === undefined) return;
        this.queries.delete(frame.q);
        query.next(frame.id === null ? undefined : this.remotePid(frame.id, frame.name));
        return;
      }
    }
  }

  /** Sends the peer what changed in our names since it was last told. */
  private tell(names: ReadonlyMap<string, Pid>): void {
    const told = this.told!;
    const set: [string, number, string | null][] = [];
    const del: string[] = [];
    for (const [name, pid] of names) {
      if (pid.node !== undefined || told.get(name) === pid.id) continue;
      this.export(pid);
      told.set(name, pid.id);
      set.push([name, pid.id, pid.name ?? null]);
    }
    for (const name of told.keys()) {
      const pid = names.get(name);
      if (pid === undefined || pid.node !== undefined) {
        told.delete(name);
        del.push(name);
      }
    }
    if (set.length > 0 || del.length > 0) this.send({ t: 'names', set, del });
  }

  /** The live local pid `id` the peer addresses, now watched for the peer. */
  private local(id: number): Pid | undefined {
    const entry = this.exported.get(id);
    if (entry !== undefined) return entry.pid;
    const pid = this.resolve?.(id);
    if (pid === undefined || pid.target.reason !== undefined) return undefined;
    this.export(pid);
    return pid;
  }

  /**
   * Delivers a message for local pid `id`. Sent through a name, it carries
   * that name into the mailbox, as a local send through `via` does: if the pid
   * crashes with it still queued, it is held for the next incarnation. Once
   * the pid has exited, the name takes it (the next incarnation, or a hold);
   * with no name it is a dead letter here.
   */
  private route(
    fn: string,
    id: number,
    name: string | undefined,
    kind: number,
    payload: unknown,
  ): void {
    const pid = this.local(id);
    const named = name === undefined ? undefined : this.via(name);
    if (pid !== undefined && pid.target.post(kind, payload, named)) return;
    deliver(fn, named ?? pid ?? deadPid(id, noProc), kind, payload);
  }

  /** The `via` for one of this node's names, made once. */
  private via(name: string): Via {
    let address = this.vias.get(name);
    if (address === undefined) this.vias.set(name, (address = via(this.registry, name)));
    return address;
  }

  private export(pid: Pid): void {
    if (this.exported.has(pid.id)) return;
    const entry = { pid, remove: noop };
    this.exported.set(pid.id, entry);
    entry.remove = pid.target.onExit((reason) => {
      this.exported.delete(pid.id);
      if (this.down === null) this.send({ t: 'exit', id: pid.id, reason: encodeReason(reason) });
    });
  }

  /** @internal The peer's pid `id`: the same object while that incarnation lives. */
  remotePid(id: number, name: string | null): Pid {
    let target = this.remote.get(id);
    if (target === undefined) {
      target = new RemoteTarget(this, id, name ?? undefined, this.peer ?? '?');
      // Met after its node was lost (in a message, or a stale entry): born dead.
      if (this.down !== null) {
        target.exited(errorExit(this.down));
      } else {
        this.remote.set(id, target);
        // Watched from the start: its exit, when the peer reports it, takes it out of `remote`.
        target.onExit(noop);
      }
    }
    return target.pid;
  }

  // ---- Losing the peer ------------------------------------------------------------

  private lose(why: string): void {
    if (this.down !== null) return;
    const error = new NodeDownError(this.peer ?? '?', why);
    this.down = error;
    this.timer?.unsubscribe();
    this.inbound?.unsubscribe();
    this.watching?.unsubscribe();
    const reason = errorExit(error);
    enter();
    try {
      for (const { ref } of [...this.pending.values()]) ref.reject(error);
      this.pending.clear();
      for (const query of [...this.queries.values()]) query.error(error);
      this.queries.clear();
      for (const { remove } of this.exported.values()) remove();
      this.exported.clear();
      const targets = [...this.remote.values()];
      this.remote.clear();
      for (const target of targets) target.exited(reason);
      const watchers = this.downWatchers;
      this.downWatchers = [];
      for (const watch of watchers) watch(error);
    } finally {
      leave();
    }
    this.link.close();
  }
}

function noop(): void {}

const noProc = errorExit(new NoProcError('a pid that has exited'));
