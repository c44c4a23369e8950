import type { SchedulerLike } from 'rxjs';
import type { Pid } from '../actor/pid.js';
import { AlreadyRegisteredError } from '../errors/already-registered-error.js';
import { NoProcError } from '../errors/no-proc-error.js';
import { NodeDownError } from '../errors/node-down-error.js';
import { RegistryUnavailableError } from '../errors/registry-unavailable-error.js';
import { errorExit } from '../exit/exit-reason.js';
import { enter, leave } from '../mailbox/run-queue.js';
import { stop } from '../messaging/stop.js';
import { Registry } from '../registry/registry.js';
import { jsonCodec } from './nats-link.js';
import { isAddressOf } from './subjects.js';

/**
 * The part of a JetStream KV bucket the cluster registry uses: a `KV` from
 * `@nats-io/kv` 3.x (`await new Kvm(connection).create('rxotp_names')`) fits.
 *
 * @example
 * ```ts
 * import { Kvm } from '@nats-io/kv';
 * const bucket: ClusterKv = await new Kvm(connection).create('rxotp_names', { history: 1 });
 * ```
 */
export interface ClusterKv {
  /** Puts `value` only if `key` has no value (compare-and-set); resolves its revision. */
  create(key: string, value: Uint8Array): Promise<number>;
  /** Puts `value` only if `key` is at revision `version`. */
  update(key: string, value: Uint8Array, version: number): Promise<number>;
  /** Deletes `key` only if it is at revision `previousSeq`. */
  delete(key: string, options: { previousSeq: number }): Promise<void>;
  /**
   * The current values (deletions included), then every change, in order;
   * with `resumeFromRevision`, every change from that revision on.
   */
  watch(options?: { resumeFromRevision?: number }): Promise<
    AsyncIterable<ClusterKvEntry> & {
      /** Ends the watch. */
      stop(): void;
    }
  >;
  /** The bucket's state: its stream's last revision tells when the current values have all arrived. */
  status(): Promise<{ readonly streamInfo: { readonly state: { readonly last_seq: number } } }>;
}

/**
 * One change in a `ClusterKv` bucket.
 *
 * @example
 * ```ts
 * const put = (e: ClusterKvEntry) => e.operation === 'PUT';
 * ```
 */
export interface ClusterKvEntry {
  readonly key: string;
  readonly value: Uint8Array;
  readonly revision: number;
  readonly operation: string;
}

/** @internal What the registry needs of the node it belongs to. */
export interface ClusterHost {
  /** This node's name and its address (unique to this incarnation of the node). */
  readonly name: string;
  readonly address: string;
  readonly scheduler: SchedulerLike;
  /** The pid `id` of the node at `address`. */
  remotePid(address: string, node: string, id: number, name: string | undefined): Pid;
  /** Makes a local pid reachable by its id from other nodes while it lives. */
  publish(pid: Pid): void;
  /** Reports an operation that failed with no caller to tell. */
  reportFailure(operation: string, error: unknown): void;
  /** Asks the node at `address` to unregister its pid `id` from `name`. */
  unregisterAt(address: string, name: string, id: number): void;
  /** Whether the node at `address` is met now: heard from, and not lost since. */
  isMet(address: string): boolean;
}

/** A name's value in the bucket. */
interface Entry {
  readonly revision: number;
  readonly node: string;
  readonly address: string;
  readonly id: number;
  readonly name: string | undefined;
  readonly hold: number;
}

interface Claim {
  readonly pid: Pid;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

const CONFLICT = 10071;
/** The longest pause between two tries of a registry write, in ms. */
const LONGEST_RETRY = 2000;
const text = new TextEncoder();
const bytes = new TextDecoder();

/**
 * A `Registry` shared by every node of a cluster, kept in a JetStream KV
 * bucket: a name registered on one node resolves on all of them to the same
 * pid (remote elsewhere), and follows a supervised child across restarts, its
 * held messages included. Lookups read this node's copy of the bucket, so
 * they stay synchronous; a change made on another node arrives shortly after.
 *
 * `register` checks this node's copy at once and throws as on any registry;
 * the bucket settles races between nodes (a compare-and-set create), and a pid
 * whose registration loses one exits with `AlreadyRegisteredError`, as OTP's
 * `global` ends one of two pids that share a name. `claim` waits for the
 * bucket's answer instead. Only pids of this node can be registered here.
 *
 * @example
 * ```ts
 * const node = await joinCluster({ connection, name: 'a' });
 * await node.registry.claim('db', spawn(db, {}));
 * // on any node:
 * await call(via(node.registry, 'db'), { get: 'k' });
 * ```
 */
export class ClusterRegistry extends Registry {
  /** The bucket's values as last seen here, by name. */
  private readonly seen = new Map<string, Entry>();
  /**
   * The highest revision seen per key, deletions included, so neither a late
   * echo nor a late answer to a write undoes a newer change.
   */
  private readonly revisions = new Map<string, number>();
  /** The hold bound each local name was registered with. */
  private readonly holds = new Map<string, number>();
  private readonly busy = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly claims = new Map<string, Claim>();
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;

  /** @internal */
  constructor(
    private readonly kv: ClusterKv,
    private readonly host: ClusterHost,
  ) {
    super();
  }

  /**
   * Registers `name` for `pid` (a pid of this node) and resolves once the
   * bucket has accepted it (at once if `pid` already holds it here). Rejects
   * with `AlreadyRegisteredError` (and leaves `pid` running, unnamed) when
   * another node holds the name, `NoProcError` when `pid` exits first, an
   * `Error` when the name is unregistered before the bucket answers, and
   * `RegistryUnavailableError` when the bucket cannot be written or this node
   * has left the cluster.
   */
  claim(name: string, pid: Pid): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.closed) throw new RegistryUnavailableError(name, 'this node has left the cluster');
      const earlier = this.claims.get(name);
      // A second claim of the same pid shares the first one's answer.
      const claim: Claim =
        earlier?.pid === pid
          ? {
              pid,
              resolve: () => (earlier.resolve(), resolve()),
              reject: (error: Error) => (earlier.reject(error), reject(error)),
            }
          : { pid, resolve, reject };
      this.claims.set(name, claim);
      try {
        this.register(name, pid);
      } catch (error) {
        if (earlier === undefined) this.claims.delete(name);
        else this.claims.set(name, earlier);
        throw error;
      }
      // A claim for another pid that no longer holds the name has its answer now.
      if (earlier !== undefined && earlier.pid !== pid) this.unclaimed(name, earlier);
    });
  }

  /** @internal */
  override add(name: string, pid: Pid, hold: number): void {
    if (pid.node !== undefined) {
      throw new TypeError(
        `register: ${String(pid)} lives on node '${pid.node}'; ` +
          `a cluster registry takes pids of its own node: register it there.`,
      );
    }
    super.add(name, pid, hold);
    this.holds.set(name, hold);
    this.host.publish(pid);
    this.sync(name);
  }

  override unregister(name: string, pid?: Pid): boolean {
    const holder = super.whereis(name);
    if (!super.unregister(name, pid)) return false;
    if (holder?.node === undefined) {
      this.holds.delete(name);
      this.sync(name);
    } else {
      // Another node's name: its owner is the one writer of its names, so it is asked to.
      const entry = this.seen.get(name);
      if (entry !== undefined) this.host.unregisterAt(entry.address, name, entry.id);
    }
    return true;
  }

  /** @internal */
  override exited(name: string, pid: Pid, hold: number): void {
    if (pid.node !== undefined) {
      // A remote pid lost with its node: no restart will follow here.
      const { reason } = pid.target;
      const lost = reason?.kind === 'error' && reason.error instanceof NodeDownError;
      return super.exited(name, pid, lost ? -1 : hold);
    }
    super.exited(name, pid, hold);
    if (hold < 0) this.holds.delete(name);
    this.sync(name);
  }

  /** @internal */
  override abandon(name: string): void {
    super.abandon(name);
    this.holds.delete(name);
    this.sync(name);
  }

  // ---- The bucket's side ---------------------------------------------------------

  /** @internal Applies one value or deletion from the bucket's watch. */
  apply(change: ClusterKvEntry): void {
    const { key } = change;
    // Checked before decoding: most changes a node sees first are its own, already applied.
    if (change.revision <= (this.revisions.get(key) ?? 0)) return;
    const name = decodeKey(key);
    if (name === undefined) return;
    this.revisions.set(key, change.revision);
    if (change.operation === 'PUT') {
      const entry = decodeEntry(change.value, change.revision);
      if (entry === undefined) return;
      this.seen.set(name, entry);
    } else {
      // The revision stays, as a tombstone: a write answered after this delete is older.
      this.seen.delete(name);
    }
    enter();
    try {
      this.mirror(name);
    } finally {
      leave();
    }
  }

  /**
   * @internal The node at `address` was lost: its names go, for everyone, and
   * what is held here for its restarting children goes to dead letters.
   */
  nodeLost(address: string): void {
    enter();
    try {
      for (const [name, entry] of this.seen) {
        if (entry.address !== address) continue;
        this.remove(name, entry.revision, address);
        if (super.whereis(name) === undefined) super.abandon(name);
      }
    } finally {
      leave();
    }
  }

  /**
   * @internal The node at `address` is heard from again after it was taken
   * for lost (the server restarted, say): its names in the bucket are shown
   * here again, with fresh pids.
   */
  nodeBack(address: string): void {
    enter();
    try {
      for (const [name, entry] of this.seen) if (entry.address === address) this.mirror(name);
    } finally {
      leave();
    }
  }

  /** @internal Cut off from the bucket: no more writes; held messages for other nodes go. */
  detach(): void {
    this.closed = true;
    enter();
    try {
      for (const [name, entry] of this.seen) {
        if (entry.address !== this.host.address && super.whereis(name) === undefined) {
          super.abandon(name);
        }
      }
      const claims = [...this.claims];
      this.claims.clear();
      for (const [name, claim] of claims) {
        claim.reject(new RegistryUnavailableError(name, 'this node has left the cluster'));
      }
    } finally {
      leave();
    }
  }

  /** @internal Leaving the cluster: once the writes in flight are done, this node's names go. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.inflight);
    const mine = [...this.seen].filter(([, entry]) => entry.address === this.host.address);
    await Promise.all(
      mine.map(([name, entry]) =>
        this.kv
          .delete(encodeKey(name), { previousSeq: entry.revision })
          .catch((error: unknown) => this.deleteFailed(error)),
      ),
    );
  }

  /** Makes this node's copy show what the bucket says of `name`. */
  private mirror(name: string): void {
    const entry = this.seen.get(name);
    const holder = super.whereis(name);
    if (holder !== undefined && holder.node === undefined) {
      if (entry?.address === this.host.address || this.busy.has(name)) return;
      // Ours locally, and deleted in the bucket: only survivors that took this
      // node for lost delete a name of ours (an owner is its names' one
      // writer), and this node lives: it writes the name again.
      if (entry === undefined) return this.sync(name);
      // Taken meanwhile by another node: the bucket wins.
      super.unregister(name, holder);
      this.holds.delete(name);
      this.mirror(name);
      return;
    }
    if (entry === undefined || entry.address === this.host.address) {
      if (holder !== undefined) super.unregister(name, holder);
      // No value at all: no restart follows, so a hold here ends.
      if (entry === undefined) super.abandon(name);
      return;
    }
    const pid = this.host.remotePid(entry.address, entry.node, entry.id, entry.name);
    if (holder === pid) return;
    if (holder !== undefined) super.unregister(name, holder);
    if (entry.hold < 0) super.abandon(name);
    try {
      super.add(name, pid, entry.hold);
    } catch (error) {
      // The pid's node is already known lost: its value is on its way out of the bucket.
      if (!(error instanceof NoProcError)) throw error;
    }
  }

  /** Brings the bucket in line with this node's registrations of `name`, one write at a time. */
  private sync(name: string): void {
    if (this.closed) return;
    if (this.busy.has(name)) {
      this.dirty.add(name);
      return;
    }
    this.busy.add(name);
    const run = this.reconcile(name).finally(() => {
      this.inflight.delete(run);
      this.busy.delete(name);
      if (this.closed) return;
      if (this.dirty.delete(name)) return this.sync(name);
      this.mirror(name);
      const claim = this.claims.get(name);
      if (claim !== undefined && super.whereis(name) !== claim.pid) {
        this.claims.delete(name);
        this.unclaimed(name, claim);
      }
    });
    this.inflight.add(run);
  }

  private async reconcile(name: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.step(name);
      } catch (error) {
        // Cut off meanwhile: the local name stays as it is, and no write follows.
        if (this.closed) return;
        if (isConflict(error)) return this.lose(name);
        // The bucket is out of reach (a server restarting, no JetStream leader):
        // the write is tried again until it lands or a newer one supersedes it.
        await wait(
          this.host.scheduler,
          this.retryPause(attempt, `registry write of '${name}'`, error),
        );
      }
    }
  }

  /** One write towards the wanted value; a stale revision here is refreshed and retried. */
  private async step(name: string): Promise<void> {
    const key = encodeKey(name);
    while (!this.closed) {
      const holder = super.whereis(name);
      const entry = this.seen.get(name);
      const ours = entry !== undefined && entry.address === this.host.address;
      if (holder === undefined || holder.node !== undefined) {
        // Nothing of ours under this name: a value of ours goes, unless a restart is pending.
        if (!ours || this.pendingFor(name)) return;
        await this.kv.delete(key, { previousSeq: entry.revision }).catch(ignoreConflict);
        if (this.seen.get(name) === entry) this.seen.delete(name);
        continue;
      }
      if (ours && entry.id === holder.id) return this.settle(name, holder);
      const value: Omit<Entry, 'revision'> = {
        node: this.host.name,
        address: this.host.address,
        id: holder.id,
        name: holder.name,
        hold: this.holds.get(name) ?? -1,
      };
      const data = jsonCodec.encode(value);
      let revision: number;
      try {
        revision = ours
          ? await this.kv.update(key, data, entry.revision)
          : await this.kv.create(key, data);
      } catch (error) {
        // Our value changed under us (deleted elsewhere): try again as a create.
        if (ours && isConflict(error) && this.seen.get(name) === entry) {
          this.seen.delete(name);
          continue;
        }
        throw error;
      }
      const latest = this.revisions.get(key) ?? 0;
      // The bucket moved past this write (another node deleted or took the name
      // before the answer came): `mirror` follows the bucket once this pass ends.
      if (revision < latest) return;
      if (revision > latest) {
        this.revisions.set(key, revision);
        this.seen.set(name, { revision, ...value });
      }
    }
  }

  /** The claimed pid exited, or was unregistered, before the bucket answered. */
  private unclaimed(name: string, claim: Claim): void {
    claim.reject(
      claim.pid.target.reason !== undefined
        ? new NoProcError(String(claim.pid))
        : new Error(`claim('${name}'): unregistered before the cluster agreed.`),
    );
  }

  private settle(name: string, pid: Pid): void {
    const claim = this.claims.get(name);
    if (claim?.pid !== pid) return;
    this.claims.delete(name);
    claim.resolve();
  }

  /** Another node holds `name`: this node's pid gives it up. */
  private lose(name: string): void {
    const holder = super.whereis(name);
    if (holder === undefined || holder.node !== undefined) return;
    const other = this.seen.get(name);
    const error = new AlreadyRegisteredError(
      name,
      other === undefined ? 'a pid on another node' : `<pid ${other.id}@${other.node}>`,
    );
    this.drop(name, holder, error);
  }

  private drop(name: string, holder: Pid, error: Error): void {
    super.unregister(name, holder);
    this.holds.delete(name);
    const claim = this.claims.get(name);
    if (claim?.pid === holder) {
      this.claims.delete(name);
      claim.reject(error);
    } else {
      stop(holder, errorExit(error));
    }
  }

  /** A delete that lost its race did nothing wrong; any other failure is reported. */
  private deleteFailed(error: unknown): void {
    if (!isConflict(error)) this.host.reportFailure('registry delete', error);
  }

  /**
   * Deletes a lost node's `name` at `revision`, tried again until it lands, a
   * newer value supersedes it (a conflict), this node leaves, or the node at
   * `address` is met again: then its names are live, and a delete landing
   * late (the bucket was out of reach, as when the server restarted) would
   * only make its owner write them back, the name missing meanwhile.
   */
  /**
   * Try `n` of a write or delete failed with the bucket out of reach: reported
   * on the first try and every tenth; gives the pause before the next (doubling
   * from 100 ms, at most 2 s).
   */
  private retryPause(n: number, what: string, error: unknown): number {
    if (n === 1 || n % 10 === 0) this.host.reportFailure(`${what} (retrying)`, error);
    return Math.min(LONGEST_RETRY, 50 * 2 ** n);
  }

  private remove(name: string, revision: number, address: string): void {
    const key = encodeKey(name);
    const attempt = (n: number): void => {
      this.kv.delete(key, { previousSeq: revision }).catch((error: unknown) => {
        if (isConflict(error) || this.closed || this.host.isMet(address)) return;
        const pause = this.retryPause(n, `registry delete of '${name}'`, error);
        if ((this.revisions.get(key) ?? 0) > revision) return;
        this.host.scheduler.schedule(() => {
          if (!this.closed && !this.host.isMet(address)) attempt(n + 1);
        }, pause);
      });
    };
    attempt(1);
  }
}

/** A compare-and-set that lost: the key is not at the revision given (JetStream's 10071). */
function isConflict(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === CONFLICT;
}

function ignoreConflict(error: unknown): void {
  if (!isConflict(error)) throw error;
}

function wait(scheduler: SchedulerLike, ms: number): Promise<void> {
  return new Promise((resolve) => scheduler.schedule(resolve, ms));
}

// Bucket keys allow [-/_=.a-zA-Z0-9]: any other byte of a name's UTF-8 is
// written `=XX`, and the empty name is `=`.
const PLAIN = /^[-_a-zA-Z0-9]$/;

/** @internal */
export function encodeKey(name: string): string {
  if (name === '') return '=';
  let key = '';
  for (const char of name) {
    if (PLAIN.test(char)) key += char;
    else for (const byte of text.encode(char)) key += `=${byte.toString(16).padStart(2, '0')}`;
  }
  return key;
}

/** @internal `undefined` for a key this registry did not write. */
export function decodeKey(key: string): string | undefined {
  if (key === '=') return '';
  if (!/^(?:[-_a-zA-Z0-9]|=[0-9a-f]{2})+$/.test(key)) return undefined;
  const out: number[] = [];
  for (let i = 0; i < key.length;) {
    if (key[i] === '=') {
      out.push(parseInt(key.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      out.push(key.charCodeAt(i));
      i += 1;
    }
  }
  return bytes.decode(new Uint8Array(out));
}

function decodeEntry(value: Uint8Array, revision: number): Entry | undefined {
  let raw: unknown;
  try {
    raw = jsonCodec.decode(value);
  } catch {
    return undefined;
  }
  const v = raw as Partial<Record<keyof Entry, unknown>> | null;
  if (
    typeof v?.node !== 'string' ||
    !isAddressOf(v.address, v.node) ||
    !Number.isSafeInteger(v.id) ||
    (v.id as number) < 0 ||
    !Number.isSafeInteger(v.hold)
  ) {
    return undefined;
  }
  const name = typeof v.name === 'string' ? v.name : undefined;
  return {
    revision,
    node: v.node,
    address: v.address,
    id: v.id as number,
    name,
    hold: v.hold as number,
  };
}
