import {
  BehaviorSubject,
  ReplaySubject,
  Subject,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { Kvm } from '@nats-io/kv';
import type { Pid } from '../actor/pid.js';
import { describe } from '../exit/describe.js';
import { hasMethods } from '../check/has-methods.js';
import { readScheduler } from '../check/read-scheduler.js';
import { readFields } from '../check/read-fields.js';
import { NodeDownError } from '../errors/node-down-error.js';
import { errorExit } from '../exit/exit-reason.js';
import { report } from '../report/reports.js';
import { Connection } from './connection.js';
import { scheduleHeartbeat } from './heartbeat.js';
import type { ClusterKv } from './cluster-kv.js';
import type { ClusterHost } from './cluster-names.js';
import { ClusterRegistry } from './cluster-registry.js';
import type { Link } from './link.js';
import type { Frame } from './wire.js';
import { checkCodec, checkSubjectToken, type NatsLinkCodec } from './nats-link.js';
import { checkClusterName } from './check-cluster-name.js';
import { checkedPublish } from './checked-publish.js';
import { checkHeartbeat } from './check-heartbeat.js';
import { decodeFrame } from './frame-schema.js';
import { deadPid } from './dead-pid.js';
import {
  bucketName,
  frameSubject,
  inboxSubject,
  noRespondersPrefix,
  presenceSubject,
  presenceWildcard,
} from './subjects.js';

/**
 * What `joinCluster` needs of a NATS connection: a `NatsConnection` from
 * `@nats-io/transport-node`'s `connect()` (3.x) fits. rxotp never imports the
 * transport; the names bucket is opened through `@nats-io/kv` on this
 * connection.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
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
  /** The server's INFO: `max_payload` bounds a frame. */
  readonly info?: { readonly max_payload?: number };
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
  /** A connection from `@nats-io/transport-node`'s `connect()`; the node never closes it. */
  readonly connection: ClusterConnection;
  /**
   * This node's name, as its pids show it (`<pid 3@api>`): one subject token,
   * unique in the cluster. Every subject the node publishes on carries it, so
   * nats-server can bind it to the node's credentials (`clusterPermissions`).
   */
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
  /**
   * The most other nodes this node keeps track of at once (default 1024). A
   * pid or a greeting of one more node is refused: the pid arrives dead
   * (`NodeDownError` naming the cap) and the refusal is reported.
   */
  readonly maxPeers?: number;
  /**
   * The names bucket, already open (default: rxotp opens `<cluster>_names` on
   * `connection` through `@nats-io/kv`, with `history: 1` and `replicas`).
   */
  readonly bucket?: ClusterKv;
  /** The scheduler heartbeats and retries run on (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
}

/**
 * What a node counts, for dashboards and tests.
 *
 * @example
 * ```ts
 * const { badFrames } = node.stats();
 * ```
 */
export interface ClusterStats {
  /** Other nodes tracked now. */
  readonly peers: number;
  /** Frames dropped because they failed to decode or validate (each also reported). */
  readonly badFrames: number;
  /** Pids or greetings of new nodes refused at the `maxPeers` cap. */
  readonly refusedPeers: number;
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
   * Emits once as this node starts to leave (`close()` before its goodbye, or
   * its connection closed), then completes; at once for a node that has left.
   * Cluster singletons hand over here.
   */
  readonly leaving$: Observable<void>;
  /** Counters: peers tracked, bad frames dropped, peers refused. */
  stats(): ClusterStats;
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
 * Every frame is validated before anything acts on it; a bad one is dropped,
 * counted in `stats()` and reported on `reports$`. A sender is known by the
 * name in its subject, never by the payload, so with per-node credentials
 * (`clusterPermissions`) a node can speak only as itself.
 *
 * Messages are at-most-once (core NATS): order is kept from one node to
 * another while both stay connected; a frame sent while a node is cut off is
 * lost without notice. A message the codec cannot encode throws at `send` and
 * nothing is sent; so does one over the server's `max_payload`
 * (`MessageTooLargeError`, and a dead letter).
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * const node = await joinCluster({ connection: await connect({ servers }), name: 'a' });
 * node.registry.register('counter', spawn(counter, 0));
 * // on another node:
 * await call(via(other.registry, 'counter'), 'get');
 * ```
 */
export function joinCluster(options: ClusterOptions): Promise<ClusterNode> {
  const like = "{ connection, name: 'a' }";
  const fields = readFields(
    'joinCluster',
    'options',
    options,
    [
      'connection',
      'name',
      'cluster',
      'heartbeat',
      'codec',
      'replicas',
      'maxPeers',
      'bucket',
      'scheduler',
    ],
    like,
  );
  if (fields === undefined) {
    throw new TypeError(`joinCluster: options must be an object like ${like}, got undefined.`);
  }
  const connection = fields.connection as ClusterConnection;
  if (!hasMethods(connection, ['publish', 'subscribe', 'flush', 'closed'])) {
    throw new TypeError(
      "joinCluster: options.connection must be a NatsConnection from @nats-io/transport-node's connect().",
    );
  }
  const { name, replicas = 1, maxPeers = 1024 } = fields;
  checkSubjectToken('joinCluster', 'name', name);
  const cluster = checkClusterName('joinCluster', fields.cluster);
  const { interval, missed } = checkHeartbeat('joinCluster', fields.heartbeat);
  const codec = checkCodec('joinCluster', fields.codec);
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
    throw new RangeError(
      `joinCluster: options.replicas must be a whole number from 1 to 5 (default 1), got ${describe(replicas)}.`,
    );
  }
  if (typeof maxPeers !== 'number' || !Number.isInteger(maxPeers) || maxPeers < 1) {
    throw new RangeError(
      `joinCluster: options.maxPeers must be a whole number >= 1 (default 1024), got ${describe(maxPeers)}.`,
    );
  }
  const bucket = fields.bucket as ClusterKv | undefined;
  if (
    bucket !== undefined &&
    !hasMethods(bucket, ['create', 'update', 'delete', 'watch', 'status'])
  ) {
    throw new TypeError(
      `joinCluster: options.bucket must be a KV bucket from @nats-io/kv (create, update, delete, watch, status), got ${describe(bucket)}.`,
    );
  }
  const scheduler = readScheduler('joinCluster', fields.scheduler);
  return (async () => {
    const kv = bucket ?? (await openBucket(connection, bucketName(cluster), replicas));
    const member = new Member(connection, name, cluster, codec, scheduler, maxPeers);
    member.registry = new ClusterRegistry(kv, member);
    await member.start(kv, interval, missed);
    return member;
  })();
}

/** Opens (creating if need be) the names bucket through `@nats-io/kv`. */
async function openBucket(
  connection: ClusterConnection,
  name: string,
  replicas: number,
): Promise<ClusterKv> {
  // The user's connection, described structurally above, is the NatsConnection Kvm takes.
  const nats = connection as unknown as ConstructorParameters<typeof Kvm>[0];
  return new Kvm(nats).create(name, { history: 1, replicas });
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

/** How many lost nodes are remembered, so their pids met later are born dead. */
const GONE = 1024;

class Member implements ClusterNode, ClusterHost {
  registry!: ClusterRegistry;
  /** This run of the node: a token unique to it, so a restarted node is a new peer. */
  readonly run: string;
  readonly address: string;
  readonly nodes$: Observable<readonly string[]>;
  readonly down$: Observable<NodeDownError>;
  readonly leaving$: Observable<void>;
  private readonly leaving = new ReplaySubject<void>(1);
  private saidGoodbye = false;
  private readonly peers = new Map<string, Peer>();
  /** Nodes lost, by address, oldest first (at most `GONE`): their pids met later are born dead. */
  private readonly gone = new Map<string, Connection>();
  private readonly names = new BehaviorSubject<readonly string[]>([]);
  private readonly lost = new Subject<NodeDownError>();
  /** Local pids other nodes may address by id, while they live. */
  private readonly published = new Map<number, Pid>();
  private readonly subscriptions: { unsubscribe(): void }[] = [];
  private timer: Subscription | null = null;
  private watch: { stop(): void } | null = null;
  /** The names bucket, and the highest revision of it applied here. */
  private kv: ClusterKv | null = null;
  private applied = 0;
  /** Heartbeats since the last check that the watch keeps up, and that check's findings. */
  private sinceCheck = 0;
  private checking = false;
  private behindAt: number | null = null;
  private left = false;
  private badFrames = 0;
  private refusedPeers = 0;

  constructor(
    private readonly connection: ClusterConnection,
    readonly name: string,
    private readonly cluster: string,
    private readonly codec: NatsLinkCodec,
    readonly scheduler: SchedulerLike,
    private readonly maxPeers: number,
  ) {
    this.run = Math.random().toString(36).slice(2, 10);
    this.address = `${name}.${this.run}`;
    this.nodes$ = this.names.asObservable();
    this.down$ = this.lost.asObservable();
    this.leaving$ = this.leaving.asObservable();
  }

  /** `leaving$` fires, once. */
  private goodbye(): void {
    if (this.saidGoodbye) return;
    this.saidGoodbye = true;
    this.leaving.next();
    this.leaving.complete();
  }

  stats(): ClusterStats {
    return { peers: this.peers.size, badFrames: this.badFrames, refusedPeers: this.refusedPeers };
  }

  async start(kv: ClusterKv, interval: number, missed: number): Promise<void> {
    this.kv = kv;
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
    this.announce('hb');
    await this.connection.flush();
    this.timer = scheduleHeartbeat(this.scheduler, interval, () => this.tick(missed));
  }

  /** Subscribes to this node's subjects and reads the names already registered. */
  private async listen(kv: ClusterKv): Promise<void> {
    const { connection, cluster, name, run } = this;
    const nr = noRespondersPrefix(cluster, name, run);
    this.subscriptions.push(
      connection.subscribe(inboxSubject(cluster, name, run), {
        callback: (error, message) => this.guard(error, () => this.frame(message)),
      }),
      connection.subscribe(`${nr}>`, {
        callback: (error, message) =>
          this.guard(error, () => this.unanswered(message.subject.slice(nr.length), message)),
      }),
      connection.subscribe(presenceWildcard(cluster), {
        callback: (error, message) => this.guard(error, () => this.presence(message.subject)),
      }),
    );
    void connection.closed().then(
      () => this.leave(),
      () => this.leave(),
    );
    await this.follow(kv, 0);
  }

  /**
   * Follows the bucket from `revision` on: resolves once the values it held
   * when asked have been applied. If the watch ends while this node is in the
   * cluster (the server restarted, say), it is opened again from the last
   * revision seen, so the copy here reconverges with the bucket.
   */
  private async follow(kv: ClusterKv, revision: number): Promise<void> {
    const last = revision === 0 ? (await kv.status()).streamInfo.state.last_seq : 0;
    let seen = revision;
    let ready!: () => void;
    const initialized = new Promise<void>((resolve) => (ready = resolve));
    if (last === 0) ready();
    const watch = await kv.watch(revision === 0 ? {} : { resumeFromRevision: revision + 1 });
    this.watch = watch;
    this.behindAt = null;
    void (async () => {
      for await (const change of watch) {
        seen = Math.max(seen, change.revision);
        this.applied = Math.max(this.applied, change.revision);
        this.registry.apply(change);
        if (change.revision >= last) ready();
      }
    })()
      .catch((error: unknown) => this.reportFailure('registry watch', error))
      .then(() => this.rewatch(kv, seen));
    await initialized;
  }

  /** The watch ended without being stopped here: open it again, after a pause, until it holds. */
  private rewatch(kv: ClusterKv, revision: number): void {
    if (this.left) return;
    this.scheduler.schedule(() => {
      if (this.left) return;
      this.follow(kv, revision).catch((error: unknown) => {
        this.reportFailure('registry watch', error);
        this.rewatch(kv, revision);
      });
    }, 1000);
  }

  /**
   * Runs a NATS callback's work: nothing rxotp runs there may throw, or the
   * client would stop reading. A subscription error (a permissions violation,
   * say) and anything that escapes are reported.
   */
  private guard(error: Error | null, work: () => void): void {
    if (error !== null) return this.reportFailure('subscription', error);
    try {
      work();
    } catch (failure) {
      this.reportFailure('handling a frame', failure);
    }
  }

  /** @internal An operation on the connection failed with no caller to tell. */
  reportFailure(operation: string, error: unknown): void {
    report({ kind: 'remote', node: this.name, operation, error });
  }

  remotePid(address: string, node: string, id: number, name: string | undefined): Pid {
    // A pid of a node already lost (a stale value, or one passed on in a message) is born dead.
    const connection = this.gone.get(address) ?? this.peer(address, node)?.connection;
    if (connection === undefined) return refusedPid(node, id, this.maxPeers);
    return connection.remotePid(id, name ?? null);
  }

  publish(pid: Pid): void {
    if (this.published.has(pid.id)) return;
    this.published.set(pid.id, pid);
    pid.target.onExit(() => this.published.delete(pid.id));
  }

  /** @internal Whether the node at `address` is met now (heard from, not lost since). */
  isMet(address: string): boolean {
    return this.peers.has(address);
  }

  /** @internal Asks the node at `address` to unregister its pid `id` from `name`. */
  unregisterAt(address: string, name: string, id: number): void {
    this.peers.get(address)?.connection.unregisterRemote(name, id);
  }

  async close(): Promise<void> {
    if (this.left) return;
    this.goodbye();
    // No heartbeat may follow the goodbye: the others would meet this node again.
    this.timer?.unsubscribe();
    this.announce('bye');
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
    this.goodbye();
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

  /** A frame on `<cluster>.f.<from>.<run>.t.<us>.<our run>`: the sender is the subject's. */
  private frame(message: { readonly subject: string; readonly data: Uint8Array }): void {
    const tokens = message.subject.split('.');
    const from = tokens[2]!;
    const address = `${from}.${tokens[3]!}`;
    let frame: Frame;
    try {
      frame = decodeFrame(this.codec.decode(message.data));
    } catch (error) {
      this.badFrames++;
      report({ kind: 'frame', node: this.name, subject: message.subject, error });
      return;
    }
    const known = this.peers.get(address);
    // A stranger starts with a greeting; a lost node comes back by its heartbeats only.
    if (known === undefined && (frame.t !== 'hello' || this.gone.has(address))) return;
    const peer = known ?? this.meet(address, from);
    if (peer === undefined) return;
    peer.heard = true;
    peer.connection.accept(frame);
  }

  /** The server's 503 on `<from name>.<from run>.<call ref>`: a call's frame found no one listening. */
  private unanswered(
    rest: string,
    message: { readonly headers?: { readonly code: number } },
  ): void {
    if (message.headers?.code !== 503) return;
    const dot = rest.lastIndexOf('.');
    const ref = Number(rest.slice(dot + 1));
    if (!Number.isSafeInteger(ref) || ref < 1) return;
    this.peers.get(rest.slice(0, dot))?.connection.unreachable(ref);
  }

  /** A heartbeat or goodbye on `<cluster>.f.<name>.<run>.<hb|bye>`, maybe this node's own. */
  private presence(subject: string): void {
    const [, , name, run, what] = subject.split('.') as [string, string, string, string, string];
    const address = `${name}.${run}`;
    if (address === this.address) return;
    if (what === 'bye') return this.down(address, 'closed by peer');
    if (what !== 'hb') return;
    const peer = this.peers.get(address) ?? this.meet(address, name);
    if (peer !== undefined) peer.heard = true;
  }

  /**
   * A node heard from directly (a heartbeat, a greeting): met again if it was
   * lost (its old pids stay dead; its names are shown again), and a new run of
   * a node replaces the old one.
   */
  private meet(address: string, name: string): Peer | undefined {
    const back = this.gone.delete(address);
    if (!back) {
      for (const [other, peer] of [...this.peers]) {
        if (peer.name === name) this.down(other, 'replaced by a new incarnation');
      }
    }
    const peer = this.peer(address, name);
    if (back && peer !== undefined) this.registry.nodeBack(address);
    return peer;
  }

  private announce(what: 'hb' | 'bye'): void {
    try {
      this.connection.publish(presenceSubject(this.cluster, this.name, this.run, what));
    } catch {
      // The connection is closing: its end will take this node out.
    }
  }

  private tick(missed: number): boolean {
    if (this.left) return false;
    this.announce('hb');
    if (++this.sinceCheck >= missed) {
      this.sinceCheck = 0;
      this.checkWatch();
    }
    for (const [address, peer] of [...this.peers]) {
      peer.silent = peer.heard ? 0 : peer.silent + 1;
      peer.heard = false;
      if (peer.silent >= missed) this.down(address, `missed ${missed} heartbeats`);
    }
    return true;
  }

  /**
   * Reopens a watch that has stalled without ending. When the server that
   * hosts the watch's consumer is lost (one server of a cluster, the bucket's
   * stream leader), the client may go on waiting on a consumer that no longer
   * exists, with no error and no end: this node's copy would stay behind the
   * bucket for as long as the client takes to notice, if it ever does. So
   * every `missed` heartbeats the bucket's last revision is read (one
   * JetStream API request); a watch found behind it twice in a row without
   * applying anything in between is stopped, and `follow` reopens it from the
   * last revision applied. A bucket out of reach is left to the next check.
   */
  private checkWatch(): void {
    const { kv, watch } = this;
    if (this.checking || kv === null || watch === null) return;
    this.checking = true;
    const at = this.applied;
    kv.status()
      .then(
        ({ streamInfo }) => {
          if (this.left || this.watch !== watch) return;
          const behind = streamInfo.state.last_seq > at;
          if (behind && this.behindAt === at && this.applied === at) {
            this.behindAt = null;
            watch.stop();
          } else {
            this.behindAt = behind ? at : null;
          }
        },
        () => undefined,
      )
      .finally(() => (this.checking = false));
  }

  /**
   * The node at `address`, met now if it is new: a link to it over its own
   * subjects. `undefined` past the `maxPeers` cap (reported). A node met only
   * through a pid or a bucket value, and never heard from, is lost after
   * `missed` heartbeats like any other.
   */
  private peer(address: string, name: string): Peer | undefined {
    const known = this.peers.get(address);
    if (known !== undefined) return known;
    if (this.peers.size >= this.maxPeers) {
      this.refusedPeers++;
      this.reportFailure(
        `meeting node '${name}'`,
        new RangeError(
          `joinCluster: node '${this.name}' already tracks maxPeers (${this.maxPeers}) nodes; ` +
            `raise maxPeers if the cluster is that large.`,
        ),
      );
      return undefined;
    }
    const { connection, cluster, codec } = this;
    const run = address.slice(name.length + 1);
    const outbox = frameSubject(cluster, this.name, this.run, name, run);
    const noResponders = `${noRespondersPrefix(cluster, this.name, this.run)}${address}.`;
    const incoming = new Subject<unknown>();
    const link: Link = {
      send: (frame) => {
        if (this.left) return;
        const data = codec.encode(frame);
        const call = frame as { t: string; ref?: number };
        // A call asks for a 503 if no one listens there: its node has gone.
        checkedPublish(
          connection,
          outbox,
          data,
          call.t === 'call' ? noResponders + String(call.ref) : undefined,
        );
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
      unregister: (name, pid) => this.registry.unregister(name, pid),
      dropped: () => this.badFrames++,
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
    if (this.gone.size > GONE) this.gone.delete(this.gone.keys().next().value!);
    // The link's error carries why: its pids exit with NodeDownError(name, why).
    peer.incoming.error(new Error(why));
    this.registry.nodeLost(address);
    this.tellNames();
    peer.connection.down$.subscribe((error) => this.lost.next(error));
  }
}

/** A pid of a node this one refused to track (the `maxPeers` cap): born dead. */
function refusedPid(node: string, id: number, maxPeers: number): Pid {
  const reason = errorExit(
    new NodeDownError(node, `not tracked: the maxPeers cap (${maxPeers}) was reached`),
  );
  return deadPid(id, reason, node);
}
