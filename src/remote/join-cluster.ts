import {
  asyncScheduler,
  BehaviorSubject,
  Subject,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { Pid } from '../actor/pid.js';
import type { NodeDownError } from '../errors/node-down-error.js';
import { report } from '../report/reports.js';
import { Connection } from './connect-node.js';
import { scheduleHeartbeat } from './heartbeat.js';
import { ClusterRegistry, type ClusterKv, type ClusterHost } from './cluster-registry.js';
import type { Link } from './link.js';
import type { Frame } from './wire.js';
import { checkSubjectToken, jsonCodec, type NatsLinkCodec } from './nats-link.js';

/**
 * What `joinCluster` needs of a NATS connection: a `NatsConnection` from the
 * npm `nats` client's `connect()` fits (rxotp never imports `nats` itself).
 *
 * @example
 * ```ts
 * import { connect } from 'nats';
 * const connection: ClusterConnection = await connect({ servers: 'nats://127.0.0.1:4222' });
 * ```
 */
export interface ClusterConnection {
  /** Publishes; with `reply`, the server answers 503 there when no one subscribes. */
  publish(subject: string, payload?: Uint8Array, options?: { reply?: string }): void;
  /** Subscribes to a subject (wildcards allowed). */
  subscribe(
    subject: string,
    options: {
      callback: (
        error: Error | null,
        message: {
          readonly subject: string;
          readonly data: Uint8Array;
          readonly headers?: { readonly code: number };
        },
      ) => void;
    },
  ): {
    /** Ends the subscription. */
    unsubscribe(): void;
  };
  /** Resolves once the server has seen everything sent so far. */
  flush(): Promise<void>;
  /** Settles when the connection has closed for good. */
  closed(): Promise<void | Error>;
  /** JetStream, for the registry's KV bucket. */
  jetstream(): {
    readonly views: {
      /** Opens the KV bucket `name`, creating it with `options` if it does not exist. */
      kv(name: string, options?: { history?: number; replicas?: number }): Promise<ClusterKv>;
    };
  };
}

/**
 * Options of `joinCluster`.
 *
 * @example
 * ```ts
 * joinCluster({ connection, name: 'api', heartbeat: { interval: 500, missed: 4 } });
 * ```
 */
export interface ClusterOptions {
  /** A connection made with the `nats` client's `connect()`; the node never closes it. */
  readonly connection: ClusterConnection;
  /** This node's name, as its pids show it (`<pid 3@api>`): one subject token, unique in the cluster. */
  readonly name: string;
  /** The cluster's name: its subjects start `<cluster>.` and its names live in bucket `<cluster>_names` (default `rxotp`). */
  readonly cluster?: string;
  /**
   * Liveness: every node announces itself every `interval` ms (default 1000);
   * a node not heard from for `missed` of this node's intervals in a row
   * (default 3) is down: between `missed` and `missed + 1` intervals after
   * its last word.
   */
  readonly heartbeat?: { readonly interval?: number; readonly missed?: number };
  /** How messages become bytes (default `jsonCodec`). */
  readonly codec?: NatsLinkCodec;
  /** Replicas of the names bucket when this node creates it (default 1). */
  readonly replicas?: number;
  /** The scheduler heartbeats run on (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
}

/**
 * This process as a node of a cluster.
 *
 * @example
 * ```ts
 * const node = await joinCluster({ connection, name: 'api' });
 * node.down$.subscribe((e) => console.log(`lost ${e.node}`));
 * ```
 */
export interface ClusterNode {
  /** This node's name. */
  readonly name: string;
  /** The cluster-wide registry: `register`, `claim`, `whereis`, `whereis$`, `entries$`, `via`. */
  readonly registry: ClusterRegistry;
  /** The names of the other nodes met (heard from, or holding a name) and not lost, at once and on each change. */
  readonly nodes$: Observable<readonly string[]>;
  /** Each node lost (missed heartbeats, or it left), as it is lost. */
  readonly down$: Observable<NodeDownError>;
  /**
   * Leaves the cluster: the other nodes' pids exit here with `NodeDownError`,
   * ours there, and this node's names leave the bucket. Local actors keep running.
   */
  close(): Promise<void>;
}

/**
 * Joins a cluster of nodes over NATS. Local actors registered in
 * `node.registry` are reachable from every node; `send`, `cast`, `call`,
 * `call$`, `stop` and `exit$` work on their remote pids unchanged. A call to a
 * pid whose node has gone rejects at once with `NoProcError` (NATS answers
 * "no responders"); monitors of a lost node's pids fire `NodeDownError` after
 * `missed` heartbeats, and the survivors remove its names.
 *
 * Messages are at-most-once (core NATS): order is kept from one node to
 * another while both stay connected; a frame sent while a node is cut off is
 * lost without notice. A message the codec cannot encode throws at `send` and
 * nothing is sent.
 *
 * @example
 * ```ts
 * import { connect } from 'nats';
 * const node = await joinCluster({ connection: await connect({ servers }), name: 'a' });
 * node.registry.register('counter', spawn(counter, 0));
 * // on another node:
 * await call(via(other.registry, 'counter'), 'get');
 * ```
 */
export async function joinCluster(options: ClusterOptions): Promise<ClusterNode> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError("joinCluster: options must be an object like { connection, name: 'a' }.");
  }
  const { connection, name, cluster = 'rxotp', codec = jsonCodec, replicas = 1 } = options;
  if (
    typeof connection?.publish !== 'function' ||
    typeof connection.subscribe !== 'function' ||
    typeof connection.closed !== 'function' ||
    typeof connection.jetstream !== 'function'
  ) {
    throw new TypeError(
      "joinCluster: connection must be a NatsConnection from the 'nats' client's connect().",
    );
  }
  checkSubjectToken('joinCluster', 'name', name);
  if (typeof cluster !== 'string' || !/^[-_a-zA-Z0-9]+$/.test(cluster)) {
    throw new TypeError('joinCluster: cluster must be letters, digits, - and _ only.');
  }
  const beat = { interval: 1000, missed: 3, ...options.heartbeat };
  if (!(beat.interval > 0) || !(beat.missed >= 1)) {
    throw new RangeError('joinCluster: heartbeat needs interval > 0 and missed >= 1.');
  }
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new RangeError('joinCluster: replicas must be a positive integer.');
  }
  const kv = await connection.jetstream().views.kv(`${cluster}_names`, { history: 1, replicas });
  const member = new Member(connection, name, cluster, codec, options.scheduler ?? asyncScheduler);
  member.registry = new ClusterRegistry(kv, member);
  await member.start(kv, beat.interval, beat.missed);
  return member;
}

/** Another node, as this one knows it. */
interface Peer {
  readonly name: string;
  /** Frames go to `connection.receive` directly; this only ends, to tell the connection why. */
  readonly incoming: Subject<unknown>;
  readonly connection: Connection;
  heard: boolean;
  silent: number;
}

class Member implements ClusterNode, ClusterHost {
  registry!: ClusterRegistry;
  readonly address: string;
  readonly nodes$: Observable<readonly string[]>;
  readonly down$: Observable<NodeDownError>;
  private readonly peers = new Map<string, Peer>();
  /** The connections of nodes lost, kept so their pids met later are born dead. */
  private readonly gone = new Map<string, Connection>();
  private readonly names = new BehaviorSubject<readonly string[]>([]);
  private readonly lost = new Subject<NodeDownError>();
  /** Local pids other nodes may address by id, while they live. */
  private readonly published = new Map<number, Pid>();
  private readonly subscriptions: { unsubscribe(): void }[] = [];
  private timer: Subscription | null = null;
  private watch: { stop(): void } | null = null;
  private left = false;

  constructor(
    private readonly connection: ClusterConnection,
    readonly name: string,
    private readonly cluster: string,
    private readonly codec: NatsLinkCodec,
    readonly scheduler: SchedulerLike,
  ) {
    this.address = `${name}-${Math.random().toString(36).slice(2, 10)}`;
    this.nodes$ = this.names.asObservable();
    this.down$ = this.lost.asObservable();
  }

  async start(kv: ClusterKv, interval: number, missed: number): Promise<void> {
    try {
      await this.listen(kv);
    } catch (error) {
      this.leave();
      throw error;
    }
    // Names a previous run of this node left behind: that run is over.
    for (const [address, peer] of [...this.peers]) {
      if (peer.name === this.name) this.down(address, 'replaced by a new incarnation');
    }
    this.announce(false);
    await this.connection.flush();
    this.timer = scheduleHeartbeat(this.scheduler, interval, () => this.tick(missed));
  }

  /** Subscribes to this node's subjects and reads the names already registered. */
  private async listen(kv: ClusterKv): Promise<void> {
    const { connection, cluster, address } = this;
    const inbox = `${cluster}.to.${address}.`;
    this.subscriptions.push(
      connection.subscribe(`${inbox}>`, {
        callback: (error, message) => {
          // A subscription error (a permissions violation, say) is the user's to see.
          if (error !== null) return this.reportFailure('subscription', error);
          this.frame(message.subject.slice(inbox.length), message);
        },
      }),
      connection.subscribe(`${cluster}.hb`, {
        callback: (error, message) => {
          if (error !== null) return this.reportFailure('subscription', error);
          this.presence(message.data);
        },
      }),
    );
    void connection.closed().then(
      () => this.leave(),
      () => this.leave(),
    );
    let ready!: () => void;
    const initialized = new Promise<void>((resolve) => (ready = resolve));
    const watch = await kv.watch({ initializedFn: () => ready() });
    this.watch = watch;
    void (async () => {
      for await (const change of watch) this.registry.apply(change);
    })().catch((error: unknown) => this.reportFailure('registry watch', error));
    await initialized;
  }

  /** @internal An operation on the connection failed with no caller to tell. */
  reportFailure(operation: string, error: unknown): void {
    report({ kind: 'remote', node: this.name, operation, error });
  }

  remotePid(address: string, node: string, id: number, name: string | undefined): Pid {
    // A pid of a node already lost (a stale value, or one passed on in a message) is born dead.
    const connection = this.gone.get(address) ?? this.peer(address, node).connection;
    return connection.remotePid(id, name ?? null);
  }

  publish(pid: Pid): void {
    if (this.published.has(pid.id)) return;
    this.published.set(pid.id, pid);
    pid.target.onExit(() => this.published.delete(pid.id));
  }

  async close(): Promise<void> {
    if (this.left) return;
    // No heartbeat may follow the goodbye: the others would meet this node again.
    this.timer?.unsubscribe();
    this.announce(true);
    try {
      await this.registry.close();
    } finally {
      this.leave();
    }
    // A connection closed meanwhile has nothing left to flush.
    await this.connection.flush().catch(() => undefined);
  }

  /** Stops hearing and being heard; every peer is lost here. */
  private leave(): void {
    if (this.left) return;
    this.left = true;
    this.registry.detach();
    this.timer?.unsubscribe();
    this.watch?.stop();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    for (const [address, peer] of [...this.peers]) {
      this.peers.delete(address);
      peer.connection.close();
    }
    this.names.next([]);
  }

  /** A frame on `<cluster>.to.<us>.<from>`, or a 503 on `...<from>.nr.<call ref>`. */
  private frame(
    rest: string,
    message: { readonly data: Uint8Array; readonly headers?: { readonly code: number } },
  ): void {
    const dot = rest.indexOf('.');
    if (dot >= 0) {
      // `<from>.nr.<call ref>`: a call's frame found no one listening.
      if (message.headers?.code !== 503) return;
      const peer = this.peers.get(rest.slice(0, dot));
      peer?.connection.unreachable(Number(rest.slice(rest.lastIndexOf('.') + 1)));
      return;
    }
    const from = rest;
    let frame: unknown;
    try {
      frame = this.codec.decode(message.data);
    } catch {
      return;
    }
    const hello = frame as { t?: unknown; node?: unknown };
    const known = this.peers.get(from);
    // A stranger starts with a greeting; a lost node comes back by its heartbeats only.
    if (known === undefined && (hello.t !== 'hello' || typeof hello.node !== 'string')) return;
    if (known === undefined && this.gone.has(from)) return;
    const peer = known ?? this.meet(from, hello.node as string);
    peer.heard = true;
    peer.connection.receive(frame as Frame);
  }

  /** A heartbeat (or a goodbye) from some node, maybe this one. */
  private presence(data: Uint8Array): void {
    let beat: { a?: unknown; n?: unknown; bye?: unknown };
    try {
      beat = jsonCodec.decode(data) as typeof beat;
    } catch {
      return;
    }
    const { a: address, n: name } = beat;
    if (typeof address !== 'string' || typeof name !== 'string' || address === this.address) return;
    if (beat.bye === true) return this.down(address, 'closed by peer');
    (this.peers.get(address) ?? this.meet(address, name)).heard = true;
  }

  /**
   * A node heard from directly (a heartbeat, a greeting): met again if it was
   * lost (its old pids stay dead), and a new run of a node replaces the old one.
   */
  private meet(address: string, name: string): Peer {
    if (!this.gone.delete(address)) {
      for (const [other, peer] of [...this.peers]) {
        if (peer.name === name) this.down(other, 'replaced by a new incarnation');
      }
    }
    return this.peer(address, name);
  }

  private announce(bye: boolean): void {
    const beat = bye ? { a: this.address, n: this.name, bye } : { a: this.address, n: this.name };
    try {
      this.connection.publish(`${this.cluster}.hb`, jsonCodec.encode(beat));
    } catch {
      // The connection is closing: its end will take this node out.
    }
  }

  private tick(missed: number): boolean {
    if (this.left) return false;
    this.announce(false);
    for (const [address, peer] of [...this.peers]) {
      peer.silent = peer.heard ? 0 : peer.silent + 1;
      peer.heard = false;
      if (peer.silent >= missed) this.down(address, `missed ${missed} heartbeats`);
    }
    return true;
  }

  /** The node at `address`, met now if it is new: a link to it over its own subjects. */
  private peer(address: string, name: string): Peer {
    const known = this.peers.get(address);
    if (known !== undefined) return known;
    const { connection, cluster, codec } = this;
    const outbox = `${cluster}.to.${address}.${this.address}`;
    const noResponders = `${cluster}.to.${this.address}.${address}.nr.`;
    const incoming = new Subject<unknown>();
    const link: Link = {
      send: (frame) => {
        if (this.left) return;
        const data = codec.encode(frame);
        const call = frame as { t: string; ref?: number };
        try {
          // A call asks for a 503 if no one listens there: its node has gone.
          if (call.t === 'call')
            connection.publish(outbox, data, { reply: noResponders + call.ref });
          else connection.publish(outbox, data);
        } catch {
          // The connection is closing: lost, as a frame in flight would be (at most once).
        }
      },
      incoming$: incoming,
      close: () => incoming.complete(),
    };
    const peerConnection = new Connection(this.name, link, this.registry, {
      peer: name,
      names: this.registry,
      resolve: (id) => this.published.get(id),
      self: this.address,
      address,
      pidAt: (at, node, id, pidName) => this.remotePid(at, node, id, pidName),
      publish: (pid) => this.publish(pid),
    });
    const peer: Peer = { name, incoming, connection: peerConnection, heard: false, silent: 0 };
    this.peers.set(address, peer);
    this.tellNames();
    return peer;
  }

  /** `nodes$` gets the names of the peers now met. */
  private tellNames(): void {
    this.names.next([...new Set([...this.peers.values()].map((p) => p.name))].sort());
  }

  private down(address: string, why: string): void {
    const peer = this.peers.get(address);
    if (peer === undefined) return;
    this.peers.delete(address);
    this.gone.set(address, peer.connection);
    // The link's error carries why: its pids exit with NodeDownError(name, why).
    peer.incoming.error(new Error(why));
    this.registry.nodeLost(address);
    this.tellNames();
    peer.connection.down$.subscribe((error) => this.lost.next(error));
  }
}
