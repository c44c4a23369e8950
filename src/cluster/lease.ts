import { filter, take, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import { isPid } from '../actor/address.js';
import type { Pid } from '../actor/pid.js';
import { AlreadyRegisteredError } from '../errors/already-registered-error.js';
import type { ExitReason } from '../exit/exit-reason.js';
import { report } from '../report/reports.js';
import type { ClusterNode } from '../remote/join-cluster.js';
import { scheduleHeartbeat } from '../remote/heartbeat.js';
import type { ChildSpec } from '../supervisor/child-spec.js';
import type { SingletonKv } from './singleton-kv.js';
import type { SingletonEvent } from './singleton-event.js';

/** The revision of each lease this node holds, by node and singleton name. */
const keptLeases = new WeakMap<ClusterNode, Map<string, number>>();

/** The failure in a row that is reported. */
const REPORT_AT = 3;

/** JetStream's "wrong last sequence": a compare-and-set that lost. */
const CONFLICT = 10071;
const text = new TextEncoder();
const bytes = new TextDecoder();

/** @internal What one incarnation of a singleton's lease keeper needs. */
export interface LeaseSettings {
  readonly node: ClusterNode;
  readonly bucket: SingletonKv;
  readonly name: string;
  readonly spec: ChildSpec;
  readonly interval: number;
  readonly missed: number;
  readonly scheduler: SchedulerLike;
  /** This node run's token: a lease written with it is this node's. */
  readonly token: string;
}

/** A lease's value in the bucket. */
interface LeaseValue {
  readonly node: string;
  readonly token: string;
}

/**
 * @internal One incarnation of a cluster singleton on one node: contends for
 * the lease, runs the child while it holds it, renews it every interval, and
 * fences the child when it cannot. docs/design.md, "Cluster singletons":
 *
 * - a contender takes a lease it has seen unchanged for `missed + 1` of its
 *   ticks (more than `missed` intervals), by compare-and-set on the revision it
 *   saw, so a lease renewed meanwhile is never taken;
 * - the owner renews at every tick; at the tick `missed - 1` intervals after
 *   sending the last renewal that succeeded, it stops the child at once: a
 *   full interval before any contender can take the lease.
 */
export class Lease {
  private role: 'contending' | 'owner' | 'left' = 'contending';
  /** Our revision of the lease while owner. */
  private revision = 0;
  /** The lease as the watch last showed it: its revision (0: none yet) and holder. */
  private seen: { revision: number; value: LeaseValue | undefined } = {
    revision: 0,
    value: undefined,
  };
  /** Ticks since the lease last changed, as a contender counts them. */
  private silent = 0;
  /** When (on the scheduler) the last write of the lease that succeeded was sent. */
  private lastGood = 0;
  /** A write to the bucket in flight: one at a time. */
  private busy = false;
  /** Failed bucket operations in a row: the third is reported. */
  private failures = 0;
  /** Whether a late answer to a write releases the lease (a graceful end, not a crash). */
  private handover = false;
  private child: Subscription | null = null;
  private pid: Pid | undefined = undefined;
  /** Waiting for the name to be free before the child starts. */
  private waiting: Subscription | null = null;
  /** A claim of the name in flight. */
  private claiming = false;
  private timer: Subscription | null = null;
  private watch: { stop(): void } | null = null;
  /** A watch is open or being opened: one at a time. */
  private following = false;
  private leaving: Subscription | null = null;
  private readonly key: string;
  private readonly mine: Uint8Array;

  constructor(
    private readonly settings: LeaseSettings,
    private readonly out: Subscriber<SingletonEvent>,
  ) {
    this.key = settings.name;
    this.mine = text.encode(JSON.stringify({ node: settings.node.name, token: settings.token }));
  }

  start(): void {
    const { interval, scheduler, node, name } = this.settings;
    // A lease this node held for an incarnation that crashed: adopted at its revision.
    const kept = keptLeases.get(node)?.get(name);
    if (kept !== undefined) this.seen = { revision: kept, value: this.decoded() };
    this.leaving = node.leaving$.subscribe(() => this.leave());
    if (this.role === 'left') return;
    this.out.next({ kind: 'contending', owner: undefined });
    this.timer = scheduleHeartbeat(scheduler, interval, () => this.tick());
    this.follow();
    this.acquire();
  }

  /** The wrapper is stopped (its supervisor, or the node leaving): graceful handover. */
  end(): void {
    const wasOwner = this.role === 'owner';
    this.role = 'left';
    this.handover = true;
    this.stopChild();
    this.timer?.unsubscribe();
    this.leaving?.unsubscribe();
    this.watch?.stop();
    this.watch = null;
    if (wasOwner) this.release();
  }

  private leave(): void {
    if (this.role === 'left') return;
    this.end();
    this.out.next({ kind: 'left' });
  }

  /**
   * Follows the lease's key in the bucket. A watch that cannot open, or that
   * ends while the wrapper runs (a server restarted), is opened again at the
   * next tick; it starts with the current value, and revisions already seen
   * are skipped.
   */
  private follow(): void {
    if (this.following) return;
    this.following = true;
    const ended = (): void => {
      this.following = false;
      this.watch = null;
    };
    this.settings.bucket.watch({ key: this.key }).then(
      (watch) => {
        if (this.role === 'left') return watch.stop();
        this.watch = watch;
        void (async () => {
          for await (const change of watch) this.changed(change);
        })()
          .catch((error: unknown) => this.failed('lease watch', error))
          .finally(ended);
      },
      (error: unknown) => {
        ended();
        this.failed('lease watch', error);
      },
    );
  }

  private changed(change: {
    readonly revision: number;
    readonly operation: string;
    readonly value: Uint8Array;
  }): void {
    if (this.role === 'left' || change.revision <= this.seen.revision) return;
    const value = change.operation === 'PUT' ? decode(change.value) : undefined;
    this.seen = { revision: change.revision, value };
    this.silent = 0;
    if (this.role === 'owner') {
      if (change.revision === this.revision || value?.token === this.settings.token) return;
      // Taken by another node: cannot happen while the bounds hold; the bucket wins.
      this.lost();
      return;
    }
    this.out.next({ kind: 'contending', owner: value?.node });
    if (value === undefined || value.token === this.settings.token) this.acquire();
  }

  private tick(): boolean {
    if (this.role === 'left') return false;
    this.follow();
    if (this.role === 'owner') {
      // Fencing: a whole interval before a contender may take the lease. Measured in
      // time, not in ticks, so a tick that comes late (a busy event loop) fences at
      // once instead of a tick later; half an interval absorbs timer jitter.
      const { interval, missed, scheduler } = this.settings;
      if (scheduler.now() - this.lastGood >= (missed - 1.5) * interval) {
        this.lost();
        return true;
      }
      this.renew();
      if (this.pid !== undefined && !this.claiming) this.name(this.pid);
      return true;
    }
    this.silent++;
    this.acquire();
    return true;
  }

  /** Creates the lease, or takes it over at the revision seen (a stale one, or ours). */
  private acquire(): void {
    if (this.busy || this.role !== 'contending' || !this.mayTake()) return;
    this.busy = true;
    const { revision, value } = this.seen;
    const sent = this.settings.scheduler.now();
    const write =
      value === undefined
        ? this.settings.bucket.create(this.key, this.mine)
        : this.settings.bucket.update(this.key, this.mine, revision);
    write.then(
      (at) => {
        this.busy = false;
        this.failures = 0;
        if (this.role !== 'contending') {
          if (this.handover) this.release(at);
          return;
        }
        this.role = 'owner';
        this.keep(at);
        this.lastGood = sent;
        if (at > this.seen.revision) this.seen = { revision: at, value: this.decoded() };
        this.startChild();
      },
      (error: unknown) => {
        this.busy = false;
        if (this.role === 'left') return;
        // Lost the race, or the lease was renewed meanwhile: the watch tells who
        // holds it; if it told something new while this write was out, try again.
        if (!isConflict(error)) this.failed('lease acquisition', error);
        else if (this.seen.revision !== revision) this.acquire();
        // A value the watch has not told: it is opened again (it starts with the
        // current value), or this node could never take that lease once it lapses.
        else if (this.seen.value === undefined) this.watch?.stop();
      },
    );
  }

  /** A lease may be taken when there is none, when it is this node's, or when it has lapsed. */
  private mayTake(): boolean {
    const { value } = this.seen;
    return (
      value === undefined ||
      value.token === this.settings.token ||
      this.silent > this.settings.missed
    );
  }

  private renew(): void {
    if (this.busy) return;
    this.busy = true;
    const sent = this.settings.scheduler.now();
    this.settings.bucket.update(this.key, this.mine, this.revision).then(
      (at) => {
        this.busy = false;
        this.failures = 0;
        if (this.handover) return this.release(at);
        if (this.role !== 'owner') return;
        this.keep(at);
        this.lastGood = Math.max(this.lastGood, sent);
      },
      (error: unknown) => {
        this.busy = false;
        if (this.role !== 'owner') return;
        if (this.handover) return;
        // Our revision is gone: another node holds the lease now.
        if (isConflict(error)) this.lost();
        else this.failed('lease renewal', error);
      },
    );
  }

  /** No longer the owner: the child stops at once, and this node contends again. */
  private lost(): void {
    this.forget();
    this.role = 'contending';
    this.silent = 0;
    this.stopChild();
    this.out.next({ kind: 'fenced' });
    this.out.next({ kind: 'contending', owner: this.seen.value?.node });
  }

  /**
   * Graceful handover: the lease goes at once, for a contender to create. A
   * release that fails (the node's connection closed with it, the bucket out of
   * reach) changes nothing a caller could act on: the lease, no longer
   * renewed, is taken after `missed` intervals as after a crash. So it is
   * neither retried nor reported.
   */
  private release(at = this.revision): void {
    this.forget();
    this.settings.bucket.delete(this.key, { previousSeq: at }).catch(() => undefined);
  }

  /** Starts the child once the name is free here (the last owner's pid gone). */
  private startChild(): void {
    const { node, name, spec } = this.settings;
    this.waiting = node.registry
      .whereis$(name)
      .pipe(
        filter((holder) => holder === undefined),
        take(1),
      )
      .subscribe(() => {
        this.waiting = null;
        if (this.role === 'owner' && this.child === null) this.run(spec);
      });
  }

  private run(spec: ChildSpec): void {
    let stream;
    try {
      stream = spec.start();
    } catch (error) {
      return this.childExited({ kind: 'error', error });
    }
    const child = stream.subscribe({
      next: (n) => {
        const note = n as { kind?: unknown; pid?: unknown; reason?: unknown } | null;
        if (note?.kind === 'started' && isPid(note.pid)) {
          this.pid = note.pid;
          this.out.next({ kind: 'running', pid: note.pid });
          this.name(note.pid);
        } else if (note?.kind === 'exit' && isPid(note.pid)) {
          this.childExited(note.reason as ExitReason);
        }
      },
      error: (error: unknown) => this.childExited({ kind: 'error', error }),
      complete: () => this.childExited({ kind: 'normal' }),
    });
    if (this.role === 'owner' && this.child === null && !child.closed) this.child = child;
    else if (this.child === null) child.unsubscribe();
  }

  /** Claims the name for the child; tried again at each tick while the last owner's pid holds it. */
  private name(pid: Pid): void {
    const { registry } = this.settings.node;
    if (registry.whereis(this.settings.name) === pid) return;
    this.claiming = true;
    registry.claim(this.settings.name, pid).then(
      () => (this.claiming = false),
      (error: unknown) => {
        this.claiming = false;
        // The name still shows the last owner's pid (its removal not yet in the
        // bucket): tried again at the next tick.
        if (!(error instanceof AlreadyRegisteredError) && this.pid === pid && this.role === 'owner')
          this.failed('naming', error);
      },
    );
  }

  /** The child exited by itself: an error exit is the wrapper's (the lease stays, for a restart here to adopt). */
  private childExited(reason: ExitReason): void {
    if (this.role !== 'owner') return;
    this.child = null;
    this.pid = undefined;
    if (reason.kind === 'error') {
      this.role = 'left';
      this.timer?.unsubscribe();
      this.watch?.stop();
      this.leaving?.unsubscribe();
      this.out.error(reason.error);
      return;
    }
    this.end();
    this.out.complete();
  }

  private stopChild(): void {
    const child = this.child;
    this.child = null;
    this.pid = undefined;
    this.waiting?.unsubscribe();
    this.waiting = null;
    child?.unsubscribe();
  }

  /** Our lease is at revision `at`: a restart of the singleton on this node adopts it there. */
  private keep(at: number): void {
    this.revision = at;
    const { node, name } = this.settings;
    let byName = keptLeases.get(node);
    if (byName === undefined) keptLeases.set(node, (byName = new Map<string, number>()));
    byName.set(name, at);
  }

  private forget(): void {
    keptLeases.get(this.settings.node)?.delete(this.settings.name);
  }

  private decoded(): LeaseValue {
    return { node: this.settings.node.name, token: this.settings.token };
  }

  /**
   * A bucket operation failed with no caller to tell. Each is tried again at
   * the next tick, so one that fails once (a JetStream leader being elected, a
   * request timing out) and then succeeds lost nothing; a run of failures is
   * reported once, at its third in a row (about `2 × interval` of trouble), and
   * the failure to renew fences the child whether reported or not.
   */
  private failed(operation: string, error: unknown): void {
    // After the end (the node left, its connection closed), a failure tells no one anything.
    if (this.role === 'left') return;
    if (++this.failures !== REPORT_AT) return;
    report({
      kind: 'remote',
      node: this.settings.node.name,
      operation: `singleton '${this.settings.name}' ${operation}`,
      error,
    });
  }
}

function isConflict(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === CONFLICT;
}

function decode(value: Uint8Array): LeaseValue | undefined {
  try {
    const v = JSON.parse(bytes.decode(value)) as Partial<LeaseValue> | null;
    if (typeof v?.node === 'string' && typeof v.token === 'string') {
      return { node: v.node, token: v.token };
    }
  } catch {
    // Not a lease rxotp wrote: treated as held by someone unknown.
  }
  return { node: '?', token: '?' };
}
