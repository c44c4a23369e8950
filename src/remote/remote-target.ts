import type { Observable } from 'rxjs';
import { notAcrossNodes } from '../actor/not-across-nodes.js';
import { Pid, type NameKeeper, type PidTarget } from '../actor/pid.js';
import { lost } from '../actor/process.js';
import { NodeDownError } from '../errors/node-down-error.js';
import type { ExitReason } from '../exit/exit-reason.js';
import { CALL } from '../mailbox/kinds.js';

/** @internal What a remote pid needs of its node's connection. */
export interface Forwarder {
  forward(target: RemoteTarget, kind: number, payload: unknown, via: unknown): void;
  stopRemote(target: RemoteTarget, reason: ExitReason): void;
  /** Asks the peer to tell this node when the pid exits (at once if it already has). */
  monitor(target: RemoteTarget): void;
}

/**
 * @internal The target of a pid on another node: messages go over the link;
 * its exit is learnt from the peer, or from losing the peer.
 */
export class RemoteTarget implements PidTarget {
  readonly pid: Pid;
  /** Set once the remote incarnation is known to have exited (or its node was lost). */
  reason: ExitReason | undefined = undefined;
  private watchers: ((reason: ExitReason) => void)[] | null = null;
  private monitored = false;
  /** The connection that carries its messages. */
  readonly carrier: Forwarder;

  constructor(forwarder: Forwarder, id: number, name: string | undefined, node: string) {
    this.carrier = forwarder;
    this.pid = new Pid(this, id, name, node);
  }

  post(kind: number, payload: unknown, via: unknown): boolean {
    const reason = this.reason;
    if (reason === undefined) {
      this.carrier.forward(this, kind, payload, via);
      return true;
    }
    // A call to a pid whose node is gone fails with the node's loss, as the
    // calls that were waiting on it did; anything else is a plain dead pid.
    if (kind === CALL && reason.kind === 'error' && reason.error instanceof NodeDownError) {
      lost(this.pid, kind, payload, reason, reason.error);
      return true;
    }
    return false;
  }

  onExit(watcher: (reason: ExitReason) => void): () => void {
    if (this.reason !== undefined) {
      watcher(this.reason);
      return noop;
    }
    (this.watchers ??= []).push(watcher);
    if (!this.monitored) {
      this.monitored = true;
      this.carrier.monitor(this);
    }
    return () => {
      const i = this.watchers?.indexOf(watcher) ?? -1;
      if (i >= 0) this.watchers!.splice(i, 1);
    };
  }

  /** What `stop` asks of a target: `true` once the request is on its way. */
  requestStop(reason: ExitReason): boolean {
    if (this.reason !== undefined) return false;
    this.carrier.stopRemote(this, reason);
    return true;
  }

  /** What a registry asks of a pid it names: registering a dead one fails. */
  get dead(): boolean {
    return this.reason !== undefined;
  }

  /**
   * Registered in a local registry: the name is freed when the remote
   * incarnation exits, or held for the next one when `hold >= 0`.
   */
  named(keeper: NameKeeper, name: string, hold: number): void {
    this.onExit(() => keeper.exited(name, this.pid, hold));
  }

  /** Published values stay on their node: `published$` of this pid errors, saying so. */
  publishedStream(): Observable<unknown> {
    return notAcrossNodes('published$', this.pid);
  }

  /** The remote incarnation exited, or its node was lost: tell the monitors, once. */
  exited(reason: ExitReason): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    const watchers = this.watchers;
    this.watchers = null;
    if (watchers !== null) for (const watch of watchers) watch(reason);
  }
}

function noop(): void {}
