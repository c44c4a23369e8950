import type { SchedulerLike } from 'rxjs';
import type { Pid } from '../actor/pid.js';
import { AlreadyRegisteredError } from '../errors/already-registered-error.js';
import { NoProcError } from '../errors/no-proc-error.js';
import { NodeDownError } from '../errors/node-down-error.js';
import { RegistryUnavailableError } from '../errors/registry-unavailable-error.js';
import { errorExit } from '../exit/exit-reason.js';
import { enter, leave } from '../mailbox/run-queue.js';
import { stop } from '../messaging/stop.js';
import type { LocalNames, NameSync } from '../registry/name-sync.js';
import { decodeKey, encodeKey } from './bucket-keys.js';
import type { ClusterKv, ClusterKvEntry } from './cluster-kv.js';
import { jsonCodec } from './nats-link.js';
import { isAddressOf } from './subjects.js';

/** @internal What the cluster registry needs of the node it belongs to. */
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

/** Everything the cluster registry knows of one name. */
interface NameState {
  /** The bucket's value as last seen here; `undefined` when it has none. */
  seen: Entry | undefined;
  /**
   * The highest revision seen for the name's key, deletions included (a tombstone), so neither
   * a late echo nor a late answer to a write undoes a newer change.
   */
  revision: number;
  /** The hold bound the name was registered with here, while a pid of this node holds it. */
  hold: number | undefined;
  /** A write of the name is in flight. */
  busy: boolean;
  /** The name changed while its write was in flight: another pass follows. */
  dirty: boolean;
  /** A `claim` waiting for the bucket's answer. */
  claim: Claim | undefined;
}

const CONFLICT = 10071;
/** The longest pause between two tries of a registry write, in ms. */
const LONGEST_RETRY = 2000;

/**
 * @internal The cluster registry's work: keeps one node's `Registry` and a JetStream KV bucket in
 * step. Attached to the registry as its `NameSync`, it is handed each change of a name, makes it
 * through the registry's `LocalNames`, and writes it to the bucket; each change the bucket's
 * watch brings is shown here (docs/design.md, "Remote › The cluster registry").
 */
export class ClusterNames implements NameSync {
  private readonly states = new Map<string, NameState>();
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly local: LocalNames,
    private readonly kv: ClusterKv,
    private readonly host: ClusterHost,
  ) {}

  /** `name`'s state, made (empty) if it has none yet. */
  private state(name: string): NameState {
    let state = this.states.get(name);
    if (state === undefined) {
      state = {
        seen: undefined,
        revision: 0,
        hold: undefined,
        busy: false,
        dirty: false,
        claim: undefined,
      };
      this.states.set(name, state);
    }
    return state;
  }

  /** The bucket's value of `name` as last seen here. */
  private seen(name: string): Entry | undefined {
    return this.states.get(name)?.seen;
  }

  /** Every name with a value in the bucket, and that value. */
  private *values(): Generator<[string, Entry]> {
    for (const [name, { seen }] of this.states) if (seen !== undefined) yield [name, seen];
  }

  /** See `ClusterRegistry.claim`; `register` is the registry's own. */
  claim(name: string, pid: Pid, register: (name: string, pid: Pid) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.closed) throw new RegistryUnavailableError(name, 'this node has left the cluster');
      const state = this.state(name);
      const earlier = state.claim;
      // A second claim of the same pid shares the first one's answer.
      const claim: Claim =
        earlier?.pid === pid
          ? {
              pid,
              resolve: () => (earlier.resolve(), resolve()),
              reject: (error: Error) => (earlier.reject(error), reject(error)),
            }
          : { pid, resolve, reject };
      state.claim = claim;
      try {
        register(name, pid);
      } catch (error) {
        state.claim = earlier;
        throw error;
      }
      // A claim for another pid that no longer holds the name has its answer now.
      if (earlier !== undefined && earlier.pid !== pid) this.unclaimed(name, earlier);
    });
  }

  // ---- The registry's side ---------------------------------------------------------

  add(name: string, pid: Pid, hold: number): void {
    if (pid.node !== undefined) {
      throw new TypeError(
        `register: ${String(pid)} lives on node '${pid.node}'; ` +
          `a cluster registry takes pids of its own node: register it there.`,
      );
    }
    this.local.add(name, pid, hold);
    this.state(name).hold = hold;
    this.host.publish(pid);
    this.sync(name);
  }

  unregister(name: string, pid?: Pid): boolean {
    const holder = this.local.whereis(name);
    if (!this.local.unregister(name, pid)) return false;
    if (holder?.node === undefined) {
      this.state(name).hold = undefined;
      this.sync(name);
    } else {
      // Another node's name: its owner is the one writer of its names, so it is asked to.
      const entry = this.seen(name);
      if (entry !== undefined) this.host.unregisterAt(entry.address, name, entry.id);
    }
    return true;
  }

  exited(name: string, pid: Pid, hold: number): void {
    if (pid.node !== undefined) {
      // A remote pid lost with its node: no restart will follow here.
      const { reason } = pid.target;
      const lost = reason?.kind === 'error' && reason.error instanceof NodeDownError;
      return this.local.exited(name, pid, lost ? -1 : hold);
    }
    this.local.exited(name, pid, hold);
    if (hold < 0) this.state(name).hold = undefined;
    this.sync(name);
  }

  abandon(name: string): void {
    this.local.abandon(name);
    this.state(name).hold = undefined;
    this.sync(name);
  }

  // ---- The bucket's side ---------------------------------------------------------

  /** Applies one value or deletion from the bucket's watch. */
  apply(change: ClusterKvEntry): void {
    const name = decodeKey(change.key);
    if (name === undefined) return this.dropped(change.key, 'is not a name this registry writes');
    const state = this.state(name);
    // Most changes a node sees first are its own, already applied.
    if (change.revision <= state.revision) return;
    state.revision = change.revision;
    if (change.operation === 'PUT') {
      const entry = decodeEntry(change.value, change.revision);
      if (entry === undefined) return this.dropped(change.key, 'holds no valid name value');
      state.seen = entry;
    } else {
      // The revision stays, as a tombstone: a write answered after this delete is older.
      state.seen = undefined;
    }
    enter();
    try {
      this.mirror(name);
    } finally {
      leave();
    }
  }

  /** A change from the bucket that is no name or no valid value: reported, and nothing acts on it. */
  private dropped(key: string, problem: string): void {
    this.host.reportFailure(
      'registry watch',
      new TypeError(
        `joinCluster: the names bucket's key '${key.slice(0, 60)}' ${problem}; dropped.`,
      ),
    );
  }

  /**
   * The node at `address` was lost: its names go, for everyone, and what is held here for its
   * restarting children goes to dead letters.
   */
  nodeLost(address: string): void {
    enter();
    try {
      for (const [name, entry] of this.values()) {
        if (entry.address !== address) continue;
        this.remove(name, entry.revision, address);
        if (this.local.whereis(name) === undefined) this.local.abandon(name);
      }
    } finally {
      leave();
    }
  }

  /**
   * The node at `address` is heard from again after it was taken for lost (the server
   * restarted, say): its names in the bucket are shown here again, with fresh pids.
   */
  nodeBack(address: string): void {
    enter();
    try {
      for (const [name, entry] of this.values()) if (entry.address === address) this.mirror(name);
    } finally {
      leave();
    }
  }

  /** Cut off from the bucket: no more writes; held messages for other nodes go. */
  detach(): void {
    this.closed = true;
    enter();
    try {
      for (const [name, entry] of this.values()) {
        if (entry.address !== this.host.address && this.local.whereis(name) === undefined) {
          this.local.abandon(name);
        }
      }
      const claims: [string, Claim][] = [];
      for (const [name, state] of this.states) {
        if (state.claim === undefined) continue;
        claims.push([name, state.claim]);
        state.claim = undefined;
      }
      for (const [name, claim] of claims) {
        claim.reject(new RegistryUnavailableError(name, 'this node has left the cluster'));
      }
    } finally {
      leave();
    }
  }

  /** Leaving the cluster: once the writes in flight are done, this node's names go. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.inflight);
    const mine = [...this.values()].filter(([, entry]) => entry.address === this.host.address);
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
    const state = this.state(name);
    const entry = state.seen;
    const holder = this.local.whereis(name);
    if (holder !== undefined && holder.node === undefined) {
      if (entry?.address === this.host.address || state.busy) return;
      // Ours locally, and deleted in the bucket: only survivors that took this
      // node for lost delete a name of ours (an owner is its names' one
      // writer), and this node lives: it writes the name again.
      if (entry === undefined) return this.sync(name);
      // Taken meanwhile by another node: the bucket wins.
      this.local.unregister(name, holder);
      state.hold = undefined;
      this.mirror(name);
      return;
    }
    if (entry === undefined || entry.address === this.host.address) {
      if (holder !== undefined) this.local.unregister(name, holder);
      // No value at all: no restart follows, so a hold here ends.
      if (entry === undefined) this.local.abandon(name);
      return;
    }
    const pid = this.host.remotePid(entry.address, entry.node, entry.id, entry.name);
    if (holder === pid) return;
    if (holder !== undefined) this.local.unregister(name, holder);
    if (entry.hold < 0) this.local.abandon(name);
    try {
      this.local.add(name, pid, entry.hold);
    } catch (error) {
      // The pid's node is already known lost: its value is on its way out of the bucket.
      if (!(error instanceof NoProcError)) throw error;
    }
  }

  /** Brings the bucket in line with this node's registrations of `name`, one write at a time. */
  private sync(name: string): void {
    if (this.closed) return;
    const state = this.state(name);
    if (state.busy) {
      state.dirty = true;
      return;
    }
    state.busy = true;
    const after = (): void => {
      this.inflight.delete(run);
      state.busy = false;
      if (this.closed) return;
      if (state.dirty) {
        state.dirty = false;
        return this.sync(name);
      }
      this.mirror(name);
      const claim = state.claim;
      if (claim !== undefined && this.local.whereis(name) !== claim.pid) {
        state.claim = undefined;
        this.unclaimed(name, claim);
      }
    };
    // `then` rather than `finally`: one promise less per write, the same outcome.
    const run: Promise<void> = this.reconcile(name).then(after, (error: unknown) => {
      after();
      throw error;
    });
    this.inflight.add(run);
  }

  /**
   * Writes towards the wanted value, one write at a time, until the bucket holds it; a stale
   * revision is refreshed and retried. One async function for the whole pass: each layer of
   * `await` would cost every write its own promise and turns of the microtask queue.
   */
  private async reconcile(name: string): Promise<void> {
    const key = encodeKey(name);
    const state = this.state(name);
    let failures = 0;
    while (!this.closed) {
      try {
        const holder = this.local.whereis(name);
        const entry = state.seen;
        const ours = entry !== undefined && entry.address === this.host.address;
        if (holder === undefined || holder.node !== undefined) {
          // Nothing of ours under this name: a value of ours goes, unless a restart is pending.
          if (!ours || this.local.pendingFor(name)) return;
          await this.kv.delete(key, { previousSeq: entry.revision }).catch(ignoreConflict);
          if (state.seen === entry) state.seen = undefined;
          continue;
        }
        if (ours && entry.id === holder.id) return this.settle(name, holder);
        const value: Omit<Entry, 'revision'> = {
          node: this.host.name,
          address: this.host.address,
          id: holder.id,
          name: holder.name,
          hold: state.hold ?? -1,
        };
        // A plain object of strings and numbers: nothing the codec's checks guard against.
        const data = utf8.encode(JSON.stringify(value));
        let revision: number;
        try {
          revision = ours
            ? await this.kv.update(key, data, entry.revision)
            : await this.kv.create(key, data);
        } catch (error) {
          // Our value changed under us (deleted elsewhere): try again as a create.
          if (ours && isConflict(error) && state.seen === entry) {
            state.seen = undefined;
            continue;
          }
          throw error;
        }
        const latest = state.revision;
        // The bucket moved past this write (another node deleted or took the name
        // before the answer came): `mirror` follows the bucket once this pass ends.
        if (revision < latest) return;
        if (revision > latest) {
          state.revision = revision;
          state.seen = { revision, ...value };
        }
      } catch (error) {
        // Cut off meanwhile: the local name stays as it is, and no write follows.
        if (this.closed) return;
        if (isConflict(error)) return this.lose(name);
        // The bucket is out of reach (a server restarting, no JetStream leader):
        // the write is tried again until it lands or a newer one supersedes it.
        await wait(
          this.host.scheduler,
          this.retryPause(++failures, `registry write of '${name}'`, error),
        );
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
    const state = this.state(name);
    const claim = state.claim;
    if (claim?.pid !== pid) return;
    state.claim = undefined;
    claim.resolve();
  }

  /** Another node holds `name`: this node's pid gives it up. */
  private lose(name: string): void {
    const holder = this.local.whereis(name);
    if (holder === undefined || holder.node !== undefined) return;
    const other = this.seen(name);
    const error = new AlreadyRegisteredError(
      name,
      other === undefined ? 'a pid on another node' : `<pid ${other.id}@${other.node}>`,
    );
    this.drop(name, holder, error);
  }

  private drop(name: string, holder: Pid, error: Error): void {
    this.local.unregister(name, holder);
    const state = this.state(name);
    state.hold = undefined;
    const claim = state.claim;
    if (claim?.pid === holder) {
      state.claim = undefined;
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
   * Try `n` of a write or delete failed with the bucket out of reach: reported
   * on the first try and every tenth; gives the pause before the next (doubling
   * from 100 ms, at most 2 s).
   */
  private retryPause(n: number, what: string, error: unknown): number {
    if (n === 1 || n % 10 === 0) this.host.reportFailure(`${what} (retrying)`, error);
    return Math.min(LONGEST_RETRY, 50 * 2 ** n);
  }

  /**
   * Deletes a lost node's `name` at `revision`, tried again until it lands, a
   * newer value supersedes it (a conflict), this node leaves, or the node at
   * `address` is met again: then its names are live, and a delete landing
   * late (the bucket was out of reach, as when the server restarted) would
   * only make its owner write them back, the name missing meanwhile.
   */
  private remove(name: string, revision: number, address: string): void {
    const key = encodeKey(name);
    const state = this.state(name);
    const attempt = (n: number): void => {
      this.kv.delete(key, { previousSeq: revision }).catch((error: unknown) => {
        if (isConflict(error) || this.closed || this.host.isMet(address)) return;
        const pause = this.retryPause(n, `registry delete of '${name}'`, error);
        if (state.revision > revision) return;
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

const utf8 = new TextEncoder();

function wait(scheduler: SchedulerLike, ms: number): Promise<void> {
  return new Promise((resolve) => scheduler.schedule(resolve, ms));
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
