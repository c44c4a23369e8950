import { Kvm } from '@nats-io/kv';
import { describe } from '../exit/describe.js';
import type { Pid } from '../actor/pid.js';
import { hasMethods } from '../check/has-methods.js';
import { holds } from '../check/holds.js';
import { isScheduler } from '../check/is-scheduler.js';
import { readFields } from '../check/read-fields.js';
import { NodeDownError } from '../errors/node-down-error.js';
import type { ExitReason } from '../exit/exit-reason.js';
import { GroupScope } from '../group/group-scope.js';
import { enter, leave } from '../mailbox/run-queue.js';
import { report } from '../report/reports.js';
import { checkClusterName } from './check-cluster-name.js';
import { decodeKey, encodeKey } from './bucket-keys.js';
import type { ClusterKv, ClusterKvEntry } from './cluster-kv.js';
import type { ClusterHost } from './cluster-names.js';
import type { ClusterConnection, ClusterNode } from './join-cluster.js';
import { isAddressOf } from './subjects.js';

/**
 * Options of `clusterGroups`: where the groups live.
 *
 * @example
 * ```ts
 * const options: ClusterGroupsOptions = { connection, cluster: 'shop' };
 * ```
 */
export interface ClusterGroupsOptions {
  /** The connection to open bucket `<cluster>_groups` on (through `@nats-io/kv`), if no `bucket` is given. */
  readonly connection?: ClusterConnection;
  /** The cluster's name, as given to `joinCluster` (default `rxotp`). */
  readonly cluster?: string;
  /** The groups bucket, already open (with `history: 1`); the same on every node. */
  readonly bucket?: ClusterKv;
}

/**
 * A node's view of the cluster-wide process groups: `scope` is a `GroupScope`
 * for `join`, `leave`, `members$` and `broadcast`, shared by every node that
 * opened the same bucket.
 *
 * @example
 * ```ts
 * const groups = await clusterGroups(node, { connection });
 * join('workers', spawn(worker, null), groups.scope);
 * ```
 */
export interface ClusterGroups {
  /** The cluster-wide scope. Only pids of this node may join through it (as with Erlang's `pg`). */
  readonly scope: GroupScope;
  /** Stops following the bucket and takes this node's members out of it. */
  close(): Promise<void>;
}

/** One membership in the bucket, as the key spells it. */
interface Membership {
  readonly group: string;
  readonly node: string;
  readonly address: string;
  readonly id: number;
}

/**
 * Makes the process groups of `node` cluster-wide (Erlang's `pg` over
 * distribution): a pid of this node that joins a group through the returned
 * `scope` is a member on every node of the cluster, `members$` there lists it
 * (as a remote pid), `broadcast` there reaches it; it is removed everywhere
 * when it leaves or exits, or when its node is lost (its remote pids exit with
 * `NodeDownError`, and the survivors delete its entries). Each membership is
 * one key of a JetStream KV bucket; a key that does not decode is dropped and
 * reported. Changes reach other nodes as fast as the bucket's watch delivers
 * them; a join returns at once.
 *
 * @example
 * ```ts
 * const node = await joinCluster({ connection, name: 'a' });
 * const groups = await clusterGroups(node, { connection });
 * join('workers', spawn(worker, null), groups.scope);
 * // on another node, with its own clusterGroups:
 * members$('workers', other.scope).subscribe((pids) => console.log(pids.map(String)));
 * ```
 *
 * @param node - This process's node, from `joinCluster`.
 * @param options - The groups bucket, or the connection to open it on.
 */
export function clusterGroups(
  node: ClusterNode,
  options: ClusterGroupsOptions,
): Promise<ClusterGroups> {
  if (!isGroupHost(node)) {
    throw new TypeError(
      `clusterGroups: node must be a node from joinCluster(), got ${describe(node)}.`,
    );
  }
  const like = '{ connection } or { bucket }';
  const fields = readFields(
    'clusterGroups',
    'options',
    options,
    ['connection', 'cluster', 'bucket'],
    like,
  );
  if (fields === undefined) {
    throw new TypeError(`clusterGroups: options must be ${like}, got undefined.`);
  }
  const bucket = fields.bucket as ClusterKv | undefined;
  if (bucket !== undefined && !hasMethods(bucket, ['create', 'delete', 'watch', 'status'])) {
    throw new TypeError(
      `clusterGroups: options.bucket must be a KV bucket from @nats-io/kv (create, delete, watch, status), got ${describe(bucket)}.`,
    );
  }
  const connection = fields.connection;
  if (
    bucket === undefined &&
    !hasMethods(connection, ['publish', 'subscribe', 'flush', 'closed'])
  ) {
    throw new TypeError(
      `clusterGroups: options must be ${like}: options.connection must be a NatsConnection from @nats-io/transport-node's connect() when no bucket is given, got ${describe(connection)}.`,
    );
  }
  const cluster = checkClusterName('clusterGroups', fields.cluster);
  return (async () => {
    // The user's connection, described structurally, is the NatsConnection Kvm takes.
    const kv =
      bucket ??
      (await new Kvm(connection as ConstructorParameters<typeof Kvm>[0]).create(
        `${cluster}_groups`,
        { history: 1 },
      ));
    const scope = new ClusterScope(kv, node, node.name);
    await scope.follow(0);
    return { scope, close: () => scope.close() };
  })();
}

/** What process groups need of a node from `joinCluster`. */
type GroupHost = Pick<ClusterHost, 'address' | 'scheduler' | 'remotePid' | 'publish'>;

/** Whether `node` is a node from `joinCluster`, as far as groups use it (never throws). */
function isGroupHost(node: unknown): node is GroupHost {
  return (
    hasMethods(node, ['remotePid', 'publish', 'close']) &&
    holds(
      () =>
        typeof node === 'object' &&
        node !== null &&
        'address' in node &&
        typeof node.address === 'string' &&
        'scheduler' in node &&
        isScheduler(node.scheduler),
    )
  );
}

/** @internal A group scope mirrored in a KV bucket shared by the nodes of a cluster. */
class ClusterScope extends GroupScope {
  /** This node's memberships: key → the revision its write got (once it has resolved). */
  private readonly mine = new Map<string, Promise<number | undefined>>();
  /** Other nodes' memberships: key → the member and the revision it was seen at. */
  private readonly theirs = new Map<
    string,
    { readonly group: string; readonly pid: Pid; readonly revision: number }
  >();
  /** The address of each remote member's node run, as its key gave it. */
  private readonly addresses = new WeakMap<Pid, string>();
  private watch: { stop(): void } | null = null;
  private closed = false;

  constructor(
    private readonly kv: ClusterKv,
    private readonly host: GroupHost,
    private readonly nodeName: string,
  ) {
    super();
  }

  override join(group: string, pid: Pid): boolean {
    if (pid.node !== undefined) {
      throw new RangeError(
        `join: pid ${String(pid)} lives on node '${pid.node}'; a cluster scope takes pids of this node only. Join it on its own node.`,
      );
    }
    if (this.closed || !this.add(group, pid)) return false;
    this.host.publish(pid);
    const key = this.key(group, pid);
    this.mine.set(
      key,
      this.kv.create(key, MARK).catch((error: unknown) => {
        this.failed('group write', error);
        return undefined;
      }),
    );
    return true;
  }

  override leave(group: string, pid: Pid): boolean {
    if (pid.node !== undefined || !this.remove(group, pid)) return false;
    this.unwrite(this.key(group, pid));
    return true;
  }

  protected override exited(group: string, pid: Pid, reason: ExitReason): void {
    if (pid.node === undefined) return this.unwrite(this.key(group, pid));
    // A lost node cannot delete its own keys: the survivors do, each asking for the
    // revision it saw, so only one delete succeeds and a newer value is never lost.
    const key = this.key(group, pid);
    const entry = this.theirs.get(key);
    if (entry === undefined) return;
    this.theirs.delete(key);
    if (reason.kind === 'error' && reason.error instanceof NodeDownError && !this.closed) {
      this.kv.delete(key, { previousSeq: entry.revision }).catch(() => undefined);
    }
  }

  /** Follows the bucket from `revision` on; resolves once the values it held when asked are applied. */
  async follow(revision: number): Promise<void> {
    const last = revision === 0 ? (await this.kv.status()).streamInfo.state.last_seq : 0;
    let seen = revision;
    let ready!: () => void;
    const initialized = new Promise<void>((resolve) => (ready = resolve));
    if (last === 0) ready();
    const watch = await this.kv.watch(revision === 0 ? {} : { resumeFromRevision: revision + 1 });
    this.watch = watch;
    void (async () => {
      for await (const change of watch) {
        seen = Math.max(seen, change.revision);
        this.apply(change);
        if (change.revision >= last) ready();
      }
    })()
      .catch((error: unknown) => this.failed('group watch', error))
      .then(() => this.rewatch(seen));
    await initialized;
  }

  /** The watch ended while the scope is open (a server restart): open it again, after a pause. */
  private rewatch(revision: number): void {
    if (this.closed) return;
    this.host.scheduler.schedule(() => {
      if (this.closed) return;
      this.follow(revision).catch((error: unknown) => {
        this.failed('group watch', error);
        this.rewatch(revision);
      });
    }, 1000);
  }

  /** One change in the bucket: another node's member joins or leaves here. */
  private apply(change: ClusterKvEntry): void {
    const member = decodeMembership(change.key);
    if (member === undefined) {
      report({
        kind: 'remote',
        node: this.nodeName,
        operation: 'group watch',
        error: new TypeError(
          `clusterGroups: key '${change.key.slice(0, 60)}' is not a group membership; dropped.`,
        ),
      });
      return;
    }
    if (member.address === this.host.address) return;
    enter();
    try {
      const known = this.theirs.get(change.key);
      if (change.operation !== 'PUT') {
        if (known === undefined) return;
        this.theirs.delete(change.key);
        this.remove(known.group, known.pid);
        return;
      }
      if (known !== undefined) return;
      const pid = this.host.remotePid(member.address, member.node, member.id, undefined);
      this.addresses.set(pid, member.address);
      const entry = { group: member.group, pid, revision: change.revision };
      this.theirs.set(change.key, entry);
      // A pid of a node already lost is born dead: it does not join, and its key goes.
      if (!this.add(member.group, pid)) this.exited(member.group, pid, pid.target.reason!);
    } finally {
      leave();
    }
  }

  private key(group: string, pid: Pid): string {
    const address = pid.node === undefined ? this.host.address : (this.addresses.get(pid) ?? '');
    return encodeKey(JSON.stringify([group, pid.node ?? this.nodeName, address, pid.id]));
  }

  /** Deletes this node's key once its write has resolved. */
  private unwrite(key: string): void {
    const written = this.mine.get(key);
    if (written === undefined) return;
    this.mine.delete(key);
    void written.then((revision) => {
      if (revision === undefined) return;
      return this.kv
        .delete(key, { previousSeq: revision })
        .catch((error: unknown) => this.failed('group delete', error));
    });
  }

  /**
   * A write or watch failed with no caller to tell: reported, except when the
   * connection has closed, which is this node leaving the cluster (the
   * survivors delete its keys once they find it lost).
   */
  private failed(operation: string, error: unknown): void {
    if (error instanceof Error && error.name === 'ClosedConnectionError') return;
    report({ kind: 'remote', node: this.nodeName, operation, error });
  }

  /** Rejects with the first delete that failed (the others are still tried). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watch?.stop();
    const writes = [...this.mine];
    this.mine.clear();
    const results = await Promise.allSettled(
      writes.map(async ([key, written]) => {
        const revision = await written;
        if (revision !== undefined) await this.kv.delete(key, { previousSeq: revision });
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
}

const MARK = new Uint8Array([49]);

/** A key of the groups bucket, decoded and checked; `undefined` for anything else. */
function decodeMembership(key: string): Membership | undefined {
  const text = decodeKey(key);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(raw) || raw.length !== 4) return undefined;
  const [group, node, address, id] = raw as unknown[];
  if (typeof group !== 'string' || typeof node !== 'string') return undefined;
  if (!isAddressOf(address, node) || !Number.isSafeInteger(id) || (id as number) < 0)
    return undefined;
  return { group, node, address, id: id as number };
}
