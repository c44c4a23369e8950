import { EMPTY, Subject, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { ActorExitError } from '../errors/actor-exit-error.js';
import { MailboxFullError } from '../errors/mailbox-full-error.js';
import { NoProcError } from '../errors/no-proc-error.js';
import { CANCELLED, errorExit, type ExitReason } from '../exit/exit-reason.js';
import { SLOTS, eachEntry } from '../mailbox/entries.js';
import { CALL, OWN, kindName } from '../mailbox/kinds.js';
import { Mailbox } from '../mailbox/mailbox.js';
import { enter, leave } from '../mailbox/run-queue.js';
import type { CallRef } from '../messaging/call-ref.js';
import { deadLettersObserved, publishDeadLetter } from '../messaging/dead-letters.js';
import { report } from '../report/reports.js';
import { scheduleAfter } from '../time/schedule-after.js';
import { isVia, type Address } from './address.js';
import type { Lifecycle } from './lifecycle.js';
import { Pid, type NameKeeper, type PidTarget } from './pid.js';
import { childReason } from './link.js';
import { awaitResult, isAsync } from './settle.js';

/** @internal Where an incarnation's lifecycle notifications go: an rxjs Subscriber, or a supervisor. */
export interface Sink<N = Lifecycle> {
  next(notification: N): void;
  complete(): void;
  /** Told of each incarnation made for this sink, as it is made (a supervisor's child). */
  adopt?(process: Process<unknown>): void;
}

/** @internal A name a process holds; `hold >= 0` keeps the name pending for a restart. */
interface NameEntry {
  readonly registry: NameKeeper;
  readonly name: string;
  readonly hold: number;
}

/**
 * @internal An incarnation's lifecycle (docs/design.md, "Lifecycle"), one
 * named state at a time:
 *
 * - `booting`: `init` has not settled; the mailbox is held.
 * - `running`: taking messages, one at a time.
 * - `waiting`: init settled, and an async handler or a multi-step transition
 *   is in flight; the mailbox is held until it settles (`resume`).
 * - `stopping`: the exit is decided (`reason` is set); `terminate` runs.
 * - `dead`: the exit is delivered; sends are refused.
 *
 * booting → running | waiting | stopping | dead; running ⇄ waiting;
 * running | waiting → stopping → dead; cancelling goes to dead from any state.
 * A stop request (`requestStop`) is honoured at the next message boundary,
 * once `running`. `Process` owns the state; the mailbox owns its two flags.
 */
export type Phase = 'booting' | 'running' | 'waiting' | 'stopping' | 'dead';

/** Messages left in an exited mailbox that become dead letters at once, then per macrotask. */
const LEFTOVER_CHUNK = 1024;
/** Slots scanned per macrotask when no one listens to dead letters (only calls cost more). */
const LEFTOVER_SCAN = 65_536;

let nextId = 0;
let live = 0;

/** @internal How many incarnations are alive now (booting, running or stopping). */
export const liveProcesses = (): number => live;

/**
 * @internal The process whose callback is running, if any: a `spawn` made
 * there is its child. A plain field, read and written around every handler.
 */
export const running: { process: Process<unknown> | null } = { process: null };

/**
 * @internal One incarnation: a mailbox with a pid, a lifecycle, and the rules
 * every actor shares — how it stops, what happens to what is left in its
 * mailbox, who is told, and what ends with it. GenServers, supervisors and
 * plain-Observable children are subclasses.
 */
export abstract class Process<N = Lifecycle> extends Mailbox implements PidTarget {
  readonly pid: Pid;
  readonly scheduler: SchedulerLike;
  /** Set once the exit is decided; final once dead. */
  reason: ExitReason | undefined;
  protected sink: Sink<N> | null;
  #phase: Phase = 'booting';
  /**
   * What it gathers only when used (`Ties`), a stop request and an async
   * step in flight among them; `null` for most idle actors.
   */
  #ties: Ties | null = null;
  /** The names it holds: one entry, or several (rare). */
  #names: NameEntry | NameEntry[] | null = null;

  constructor(sink: Sink<N> | null, scheduler: SchedulerLike, name: string | undefined) {
    super();
    this.sink = sink;
    this.scheduler = scheduler;
    this.pid = new Pid(this, ++nextId, name);
    live++;
    sink?.adopt?.(this);
  }

  /** Its `Ties`, made on first use. */
  #tie(): Ties {
    return (this.#ties ??= new Ties());
  }

  /** Whether init has settled and no exit is decided yet. */
  get running(): boolean {
    return this.#phase === 'running' || this.#phase === 'waiting';
  }

  get dead(): boolean {
    return this.#phase === 'dead';
  }

  /** A process of this node: no connection carries its messages. */
  get carrier(): null {
    return null;
  }

  /** Whether the exit is decided (stopping or dead). */
  get #ending(): boolean {
    return this.#phase === 'stopping' || this.#phase === 'dead';
  }

  /** The reason a stop was asked with, until the exit begins (kept in `Ties`). */
  get #stopRequest(): ExitReason | null {
    const ties = this.#ties;
    return ties === null ? null : ties.stopRequest;
  }

  /** The abort of the async step in flight, if any, which it forgets. */
  #takeInflight(): (() => void) | null {
    const ties = this.#ties;
    if (ties === null) return null;
    const inflight = ties.inflight;
    ties.inflight = null;
    return inflight;
  }

  /** Whether a stop was asked for or has begun. */
  protected get stopAsked(): boolean {
    return this.#stopRequest !== null || this.#ending;
  }

  // ---- Subclass hooks -------------------------------------------------------

  /** Runs the incarnation's `terminate`, if it has one and init succeeded. */
  protected abstract terminate(reason: ExitReason): unknown;

  /** Called when the exit begins (also on cancel), after timers and spawned children have ended. */
  protected onStopping(): void {}

  /** Called on cancel, before `terminate`: a subclass tears down what it runs, synchronously. */
  protected onCancel(): void {}

  /** A child spawned from one of its callbacks exited while this process runs (see `link.ts`). */
  protected spawnedExited(_child: Pid, _reason: ExitReason): void {}

  // ---- Booting ----------------------------------------------------------------

  /** Runs `fn` with this process current (a `spawn` in it links here). */
  protected run<R>(fn: () => R): R {
    const previous = running.process;
    running.process = this;
    try {
      return fn();
    } finally {
      running.process = previous;
    }
  }

  /** Waits for an async result while holding the mailbox. */
  protected wait(
    r: PromiseLike<unknown> | Observable<unknown>,
    onValue: (value: unknown) => void,
    onError: (error: unknown) => void,
    onEmpty: () => void,
  ): void {
    if (this.#phase === 'running') this.#phase = 'waiting';
    this.hold();
    const ties = this.#tie();
    ties.inflight = awaitResult(
      r,
      (value) => {
        ties.inflight = null;
        onValue(value);
      },
      (error) => {
        ties.inflight = null;
        onError(error);
      },
      () => {
        ties.inflight = null;
        onEmpty();
      },
      (error) => report({ kind: 'callback', callback: 'handler', error, pid: this.pid }),
    );
  }

  /** Init settled: from here on, an exit runs `terminate`. */
  protected initDone(): void {
    if (this.#phase === 'booting') this.#phase = 'waiting';
  }

  /** Init settled and the incarnation is ready: take messages, then emit `started`. */
  protected started(notification: N): void {
    if (this.#phase === 'booting') this.#phase = 'waiting';
    this.resume();
    this.sink?.next(notification);
  }

  /** Holds the mailbox while a multi-step transition runs; `resume` ends it. */
  protected suspend(): void {
    if (this.#phase === 'running') this.#phase = 'waiting';
    this.hold();
  }

  /** An async step settled: take messages again (or honour a stop that came meanwhile). */
  protected resume(): void {
    if (this.#phase !== 'waiting') return;
    this.#phase = 'running';
    if (this.#stopRequest === null) return this.unhold();
    // Held: the drain that follows settles, and `settled` begins the exit.
    this.wake();
  }

  // ---- Mailbox rules ----------------------------------------------------------

  protected settled(): void {
    const request = this.#stopRequest;
    if (request !== null && this.#phase === 'running') this.exit(request);
  }

  protected fail(error: unknown): void {
    // Already stopping or asked to stop: the error has no exit left to ride on.
    if (this.stopAsked)
      return report({ kind: 'callback', callback: 'handler', error, pid: this.pid });
    this.requestStop(errorExit(error));
  }

  protected refused(kind: number, payload: unknown): void {
    lost(this.pid, kind, payload, this.reason!, new NoProcError(String(this.pid)));
  }

  // ---- Stopping -----------------------------------------------------------------

  /**
   * Asks the incarnation to stop with `reason` at the next message boundary
   * (after a running handler returns or settles). The first request wins:
   * `false` when it is already stopping or dead.
   */
  requestStop(reason: ExitReason): boolean {
    if (this.stopAsked) return false;
    this.#tie().stopRequest = reason;
    this.hold();
    if (this.#phase === 'running') this.wake();
    return true;
  }

  /** A handler threw or rejected: the incarnation exits with that error. */
  protected crash(error: unknown): void {
    this.exit(errorExit(error));
  }

  /** Exits with `reason`: ends what depends on it, runs `terminate`, then dies. */
  protected exit(reason: ExitReason): void {
    if (this.#ending) return;
    const initDone = this.#phase !== 'booting';
    this.#phase = 'stopping';
    this.reason = reason;
    this.hold();
    this.#endDependents();
    const inflight = initDone ? this.#runTerminate(reason) : null;
    if (inflight === null) return this.#die();
    this.#tie().inflight = inflight;
  }

  /**
   * Runs `terminate`: `null` when it has ended (a throw is reported), else the
   * abort of the Promise or Observable in flight, which dies when it settles.
   */
  #runTerminate(reason: ExitReason): (() => void) | null {
    let result: unknown;
    try {
      result = this.run(() => this.terminate(reason));
    } catch (error) {
      this.#terminateFailed(error);
      return null;
    }
    if (!isAsync(result)) return null;
    const done = (): void => this.#terminated();
    const failed = (error: unknown): void => this.#terminateFailed(error);
    return awaitResult(result, done, (error) => (failed(error), done()), done, failed);
  }

  /**
   * Unsubscription: synchronous teardown. Dependents end first (deepest first),
   * `terminate` is started but not awaited, and the pid is dead on return. A
   * Promise `terminate` runs on (its rejection is still reported); an Observable
   * one runs on unwatched.
   */
  cancel(): void {
    this.#teardown(Infinity, this.scheduler);
  }

  /**
   * @internal A supervisor's teardown of its child: like `cancel`, but an
   * Observable `terminate` (just started, or already in flight) is unsubscribed
   * once `shutdown` ms have passed on the supervisor's `scheduler` (`brutal_kill`,
   * 0: never watched).
   */
  cancelWithin(shutdown: number, scheduler: SchedulerLike): void {
    this.#teardown(shutdown, scheduler);
  }

  /** @internal The shutdown time ran out: tear down now, and unsubscribe a `terminate` in flight. */
  abandon(): void {
    this.#teardown(0, this.scheduler, true);
  }

  #teardown(
    shutdown: number,
    scheduler: SchedulerLike,
    now = false,
    reason: ExitReason = CANCELLED,
  ): void {
    if (this.#phase === 'dead') return;
    const limit = (stop: (() => void) | null): void => {
      if (stop === null) return;
      if (now) stop();
      else if (shutdown > 0 && shutdown !== Infinity)
        this.#tie().grace = scheduleAfter(scheduler, shutdown, stop);
    };
    enter();
    try {
      this.sink = null;
      if (this.#phase === 'stopping') {
        const inflight = this.#takeInflight();
        this.onCancel();
        limit(inflight);
        return this.#die();
      }
      const initDone = this.#phase !== 'booting';
      this.#phase = 'stopping';
      this.reason = reason;
      this.#takeInflight()?.();
      this.#endDependents();
      this.onCancel();
      if (initDone) limit(this.#runTerminate(reason));
      this.#die();
    } finally {
      leave();
    }
  }

  #terminateFailed(error: unknown): void {
    report({ kind: 'callback', callback: 'terminate', error, pid: this.pid });
  }

  /** `terminate` settled: end the grace timer of a teardown, or finish the exit. */
  #terminated(): void {
    const ties = this.#ties;
    if (ties === null) return this.#die();
    ties.grace?.unsubscribe();
    ties.grace = null;
    this.#die();
  }

  #clearTimers(): void {
    const timers = this.#ties?.timers ?? null;
    if (timers !== null) {
      this.#ties!.timers = null;
      for (const timer of timers) timer.unsubscribe();
    }
  }

  #endDependents(): void {
    this.#clearTimers();
    this.#endKids();
    this.onStopping();
  }

  /** Its spawned children end with it: `cancelled`, or a `LinkedExitError` if it crashed. */
  #endKids(): void {
    const ties = this.#ties;
    if (ties === null || ties.kids === null) return;
    const kids = ties.kids;
    ties.kids = null;
    const reason = childReason(this.pid, this.reason!);
    for (let i = kids.length - 1; i >= 0; i--)
      kids[i]!.#teardown(Infinity, kids[i]!.scheduler, false, reason);
  }

  #die(): void {
    if (this.#phase === 'dead') return;
    const reason = this.reason!;
    this.#phase = 'dead';
    this.close();
    live--;
    this.#clearTimers();
    const parent = this.#ties?.parent ?? null;
    if (parent !== null) {
      parent.#unlink(this);
      if (!parent.#ending) parent.spawnedExited(this.pid, reason);
    }
    const names = this.#names;
    if (names !== null) {
      for (const { registry, name, hold } of Array.isArray(names) ? names : [names]) {
        registry.exited(name, this.pid, hold);
      }
    }
    // Actors spawned by terminate itself end here too (no orphans), once the
    // names are pending, so what they send to them waits for the restart.
    this.#endKids();
    const rest = this.takeRest();
    if (rest !== null) this.#disposeRest(rest.queue, rest.from, rest.to, reason);
    const ties = this.#ties;
    if (ties !== null) {
      const owed = ties.owed;
      ties.owed = null;
      if (owed !== null) {
        for (const ref of owed) ref.reject(new ActorExitError(String(this.pid), reason));
      }
      ties.states?.complete();
      ties.published?.complete();
    }
    const sink = this.sink;
    this.sink = null;
    if (sink !== null) {
      sink.next(this.exitNotification(reason));
      sink.complete();
    }
    const watchers = this.#ties?.watchers ?? null;
    if (watchers !== null) {
      this.#ties!.watchers = null;
      for (const watch of watchers) watch(reason);
    }
  }

  protected abstract exitNotification(reason: ExitReason): N;

  /**
   * What was left in the mailbox at the exit, from slot `from` to `to`: messages
   * sent through a pending name are held for the restart; the others become
   * dead letters and each call among them is rejected with `ActorExitError`.
   * At most `LEFTOVER_CHUNK` messages are handled now (so a short mailbox is
   * done before the exit is delivered, as ever); a longer rest is handled in
   * chunks, one per macrotask on this incarnation's scheduler, so stopping an
   * actor with a million queued messages never blocks the event loop. When no
   * one subscribes to `deadLetters$`, casts and infos are dropped without
   * making a letter, `LEFTOVER_SCAN` slots a chunk.
   */
  #disposeRest(queue: unknown[], from: number, to: number, reason: ExitReason): void {
    const end = Math.min(
      to,
      from + SLOTS * (deadLettersObserved() ? LEFTOVER_CHUNK : LEFTOVER_SCAN),
    );
    let exitError: ActorExitError | undefined;
    eachEntry(queue, from, end, (kind, payload, address) => {
      if (kind === OWN) return;
      const via = isVia(address) ? address : undefined;
      if (via !== undefined && via.registry.holdLeftover(via.name, kind, payload, via)) return;
      if (kind === CALL || deadLettersObserved()) {
        exitError ??= new ActorExitError(String(this.pid), reason);
        lost(via ?? this.pid, kind, payload, reason, exitError);
      }
    });
    if (end === to) return;
    this.scheduler.schedule(() => {
      enter();
      try {
        this.#disposeRest(queue, end, to, reason);
      } finally {
        leave();
      }
    }, 0);
  }

  /** @internal A bounded mailbox lost this message: a dead letter; a call is rejected at once. */
  protected full(kind: number, payload: unknown, via: unknown): void {
    const error = new MailboxFullError(String(this.pid), this.bound, this.overflowRule);
    lost(isVia(via) ? via : this.pid, kind, payload, errorExit(error), error);
  }

  // ---- What ends with the incarnation -------------------------------------------

  /** @internal Calls `watcher` once with the exit reason; at once if already dead. */
  onExit(watcher: (reason: ExitReason) => void): () => void {
    if (this.#phase === 'dead') {
      watcher(this.reason!);
      return noop;
    }
    const ties = this.#tie();
    (ties.watchers ??= []).push(watcher);
    return () => {
      const i = ties.watchers?.indexOf(watcher) ?? -1;
      if (i >= 0) ties.watchers!.splice(i, 1);
    };
  }

  /** @internal Makes `kid` end with this process. */
  link(kid: Process<unknown>): void {
    // A child whose init already failed is told about at once, as a later exit would be.
    if (kid.#phase === 'dead') {
      if (!this.#ending) this.spawnedExited(kid.pid, kid.reason!);
      return;
    }
    kid.#tie().parent = this;
    (this.#tie().kids ??= []).push(kid);
  }

  #unlink(kid: Process<unknown>): void {
    const kids = this.#ties?.kids ?? null;
    if (kids === null) return;
    const i = kids.lastIndexOf(kid);
    if (i >= 0) kids.splice(i, 1);
  }

  /**
   * @internal Schedules `work` `delay` ms from now on this incarnation's
   * scheduler, exactly however long (`Infinity`: never); cancelled when it exits.
   */
  timer(delay: number, work: () => void): Subscription {
    const timers = (this.#tie().timers ??= new Set());
    let scheduled: Subscription | undefined;
    let ran = false;
    const subscription = scheduleAfter(this.scheduler, delay, () => {
      // A synchronous scheduler runs this before `schedule` returns.
      ran = true;
      if (scheduled !== undefined) timers.delete(scheduled);
      enter();
      try {
        work();
      } finally {
        leave();
      }
    });
    if (!ran && !subscription.closed) {
      scheduled = subscription;
      timers.add(subscription);
      // A timer its owner cancels leaves the set at once: a long-lived actor that
      // re-arms timers keeps a constant footprint.
      subscription.add(() => timers.delete(subscription));
    }
    return subscription;
  }

  /** @internal Records a name this incarnation holds, so its exit frees (or parks) it. */
  named(registry: NameKeeper, name: string, hold: number): void {
    const entry = { registry, name, hold };
    const names = this.#names;
    // The first name (the usual case, once per supervised start) needs no search.
    if (names === null) this.#names = entry;
    else {
      const held = Array.isArray(names) ? names : [names];
      if (held.some((e) => e.registry === registry && e.name === name)) return;
      if (Array.isArray(names)) names.push(entry);
      else this.#names = [names, entry];
    }
    if (this.pid.name === undefined) this.pid.name = name;
  }

  /** @internal A call whose reply was deferred: rejected if the incarnation exits first. */
  owe(ref: CallRef): void {
    ref.owner = this;
    (this.#tie().owed ??= new Set()).add(ref);
  }

  /** @internal A deferred reply was given. */
  paid(ref: CallRef): void {
    this.#ties?.owed?.delete(ref);
  }

  // ---- Observable views -----------------------------------------------------------

  /** @internal Each state it commits from now on. */
  stateStream(): Subject<unknown> {
    return (this.#tie().states ??= new Subject<unknown>());
  }

  /** @internal Publishes the current state to `state$` watchers, if any. */
  protected committed(state: unknown): void {
    const ties = this.#ties;
    if (ties !== null && ties.states !== null) ties.states.next(state);
  }

  /** @internal Values the incarnation publishes until it exits (none once dead). */
  publishedStream(): Observable<unknown> {
    if (this.#phase === 'dead') return EMPTY;
    return (this.#tie().published ??= new Subject<unknown>());
  }

  /** @internal Emits a published value to `published$` watchers, if any. */
  publish(value: unknown): void {
    const published = this.#ties?.published ?? null;
    if (published !== null && this.#phase !== 'dead') published.next(value);
  }
}

/**
 * What an incarnation gathers only when it is used, kept apart so an idle
 * actor (a million children of one supervisor, BENCHMARKS.md case 6) carries
 * one empty field for all of it: a stop request, an async step in flight,
 * the actors it spawned and the one that spawned it, its timers,
 * its `exit$` watchers, the calls it owes, its `state$`/`published$` feeds,
 * and a teardown's grace timer.
 */
class Ties {
  /** The reason a stop was asked with, until the exit begins. */
  stopRequest: ExitReason | null = null;
  /** Aborts the async step in flight (a handler's, init's or terminate's result). */
  inflight: (() => void) | null = null;
  grace: Subscription | null = null;
  parent: Process<unknown> | null = null;
  kids: Process<unknown>[] | null = null;
  timers: Set<Subscription> | null = null;
  watchers: ((reason: ExitReason) => void)[] | null = null;
  owed: Set<CallRef> | null = null;
  states: Subject<unknown> | null = null;
  published: Subject<unknown> | null = null;
}

function noop(): void {}

/**
 * @internal A message that reached no actor: a dead letter, and a call among
 * them is rejected with `callError`.
 */
export function lost(
  target: Address,
  kind: number,
  payload: unknown,
  reason: ExitReason,
  callError: unknown,
): void {
  if (kind === CALL) {
    const ref = payload as CallRef;
    publishDeadLetter({ target, kind: 'call', message: ref.request, reason });
    ref.reject(callError);
  } else {
    publishDeadLetter({ target, kind: kindName(kind), message: payload, reason });
  }
}
