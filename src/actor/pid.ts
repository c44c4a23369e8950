import { Observable } from 'rxjs';
import type { ExitReason } from '../exit/exit-reason.js';
import type { Protocol } from './protocol.js';

/** @internal The brand that marks a pid, shared by every copy of rxotp. */
export const PID_BRAND: unique symbol = Symbol.for('rxotp.pid') as never;

/** @internal Who keeps a name a pid holds: told when the pid exits, to free or park the name. */
export interface NameKeeper {
  exited(name: string, pid: Pid, hold: number): void;
}

/**
 * @internal The one contract between a pid and what it points at: a local
 * process (`process.ts`), a pid on another node (`remote/remote-target.ts`) or
 * a pid known to have exited (`remote/dead-pid.ts`). Messaging, the registry,
 * supervisors and the remote layer use a pid only through these members
 * (docs/design.md, "Parts").
 */
export interface PidTarget {
  /** `true`: taken; `false`: dead (the caller makes a dead letter); `2`: a full bounded mailbox refused it (already a dead letter). */
  post(kind: number, payload: unknown, via: unknown): boolean | 2;
  /** Why it exited; set once `post` refuses. */
  readonly reason: ExitReason | undefined;
  /** Whether it is known to have exited (a registry will not name it). */
  readonly dead: boolean;
  /** Calls `watcher` once with the exit reason (at once if already dead); returns a remover. */
  onExit(watcher: (reason: ExitReason) => void): () => void;
  /** What `stop` asks: stop with `reason` at the next message boundary; `false` if already stopping or dead. */
  requestStop(reason: ExitReason): boolean;
  /** Registered under `name` by `keeper`: tell it when this incarnation exits (`hold >= 0`: park the name). */
  named(keeper: NameKeeper, name: string, hold: number): void;
  /** What `published$` of the pid subscribes to: its published values until it exits. */
  publishedStream(): Observable<unknown>;
  /** The connection that carries messages to a pid on another node; `null` for this node's pids. */
  readonly carrier: object | null;
}

/**
 * The opaque handle of one incarnation of an actor. It stays valid after the
 * incarnation exits: sends to it become dead letters, calls reject with
 * `NoProcError`, and `exit$` tells why it ended.
 *
 * @example
 * ```ts
 * const pid = spawn(counter, 0);
 * pid.exit$.subscribe((reason) => console.log(formatExit(reason)));
 * ```
 *
 * @typeParam P - The protocol: the requests, replies and messages the actor takes (see `Protocol`).
 */
export class Pid<P extends Protocol = Protocol> {
  /** A number unique to this incarnation in this process. */
  readonly id: number;
  /** The name it was started or supervised under, if any. */
  name: string | undefined;
  /**
   * The node it lives on, for a pid on another node (`rxotp/remote`);
   * `undefined` for a pid of this process. `id` is unique per node.
   */
  readonly node: string | undefined;
  /** @internal */
  readonly target: PidTarget;
  /** @internal Type-level only: the protocol this pid accepts. */
  declare readonly protocol?: P;
  private exits: Observable<ExitReason> | undefined;

  /** @internal */
  constructor(target: PidTarget, id: number, name: string | undefined, node?: string) {
    this.target = target;
    this.id = id;
    this.name = name;
    this.node = node;
  }

  /** Emits the exit reason once, then completes; at once for a pid that has exited. */
  get exit$(): Observable<ExitReason> {
    return (this.exits ??= new Observable<ExitReason>((subscriber) => {
      const emit = (reason: ExitReason): void => {
        subscriber.next(reason);
        subscriber.complete();
      };
      return this.target.onExit(emit);
    }));
  }

  /** `<pid 12 name>`, or `<pid 12@node name>` for a pid on another node. */
  toString(): string {
    const id = this.node === undefined ? `${this.id}` : `${this.id}@${this.node}`;
    return this.name === undefined ? `<pid ${id}>` : `<pid ${id} ${this.name}>`;
  }
}
(Pid.prototype as unknown as Record<symbol, boolean>)[PID_BRAND] = true;
