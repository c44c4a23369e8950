import type { Subscription } from 'rxjs';
import type { Pid } from '../actor/pid.js';
import { lost } from '../actor/process.js';
import type { Via } from '../actor/via.js';
import { NoProcError } from '../errors/no-proc-error.js';
import { errorExit } from '../exit/exit-reason.js';
import { FULL } from '../mailbox/mailbox.js';
import { enter, leave } from '../mailbox/run-queue.js';
import { HeldMessages } from '../registry/held-messages.js';
import { Registry } from '../registry/registry.js';
import type { ClusterNode } from '../remote/join-cluster.js';

/**
 * @internal One node's view of one cluster singleton's name: a registry of a
 * single name that mirrors `node.registry`, and holds what is sent through it
 * while the name points at nothing (the owner lost, the next one not started
 * yet). Held messages are delivered in order to the next pid the name points
 * at, before anything sent after it. docs/design.md, "Cluster singletons".
 */
export class SingletonView extends Registry {
  /** What is sent through the name while it points at no pid. */
  private readonly held: HeldMessages;
  private readonly mirror: Subscription;
  private ended = false;

  constructor(
    node: ClusterNode,
    private readonly singleton: string,
    bound: number,
  ) {
    super();
    this.held = new HeldMessages(bound, undefined);
    this.mirror = node.registry.whereis$(singleton).subscribe((pid) => this.follow(pid));
    node.leaving$.subscribe(() => this.end());
  }

  /** The cluster registry's pid for the name changed. */
  private follow(pid: Pid | undefined): void {
    const current = super.whereis(this.singleton);
    if (current === pid) return;
    if (current !== undefined) super.unregister(this.singleton, current);
    if (pid === undefined || pid.target.reason !== undefined) return;
    // Held messages go in first: whoever hears of the new pid sends behind them.
    enter();
    try {
      this.held.replayTo(pid);
      super.add(this.singleton, pid, -1);
    } finally {
      leave();
    }
  }

  /** @internal Sends through the name: to its pid while it has a live one, else held. */
  override deliver(name: string, kind: number, payload: unknown, via: Via): boolean {
    const pid = super.whereis(name);
    if (pid !== undefined) {
      const posted = pid.target.post(kind, payload, via);
      if (posted === true) return true;
      // A full bounded mailbox refused it: already a dead letter, never held.
      if (posted === FULL) return false;
    }
    return this.keep(name, kind, payload, via);
  }

  /** @internal A message left in an exited mailbox, sent through the name: held for the next owner. */
  override holdLeftover(name: string, kind: number, payload: unknown, via: Via): boolean {
    return this.keep(name, kind, payload, via);
  }

  /** @internal The name is always pending while no owner runs. */
  override pendingFor(name: string): boolean {
    return name === this.singleton && super.whereis(name) === undefined;
  }

  private keep(name: string, kind: number, payload: unknown, via: Via): boolean {
    if (this.ended || name !== this.singleton) {
      const error = new NoProcError(String(via));
      lost(via, kind, payload, errorExit(error), error);
      return false;
    }
    return this.held.hold(name, kind, payload, via);
  }

  /** The node left: nothing held here can reach the cluster now; it becomes dead letters. */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.mirror.unsubscribe();
    this.held.abandon();
    const current = super.whereis(this.singleton);
    if (current !== undefined) super.unregister(this.singleton, current);
  }
}
