import type { SchedulerLike, Subject, Subscription } from 'rxjs';
import { ActorExitError } from '../errors/actor-exit-error.js';
import { HandlerError } from '../errors/handler-error.js';
import { NORMAL, errorExit, type ExitReason } from '../exit/exit-reason.js';
import { CALL, CAST, INFO, OWN } from '../mailbox/kinds.js';
import { enter, leave } from '../mailbox/run-queue.js';
import { checkDuration } from '../time/check-duration.js';
import type { CallRef } from '../messaging/call-ref.js';
import type { Registry } from '../registry/registry.js';
import type { CallResult, Ctx, LiteralBehavior } from './behavior.js';
import type { Lifecycle } from './lifecycle.js';
import type { Pid } from './pid.js';
import { Process, running, type Sink } from './process.js';
import { isAsync } from './settle.js';
import { childExited } from './link.js';
import { Monitors } from './monitor.js';
import { isNext, type Next } from './next.js';
import type { MonitorRef, SystemMessage, TimeoutMessage } from './system-messages.js';

/** @internal */
export type AnyBehavior = LiteralBehavior<
  unknown,
  unknown,
  unknown,
  CallResult<unknown, unknown>,
  unknown,
  unknown,
  unknown
>;

/** @internal The start options a genServer incarnation reads: the name to register, and where. */
export interface Naming {
  readonly name?: string;
  readonly registry?: Registry;
}

/** @internal One incarnation of a genServer. It is its own `ctx`. */
export class GenServerProcess extends Process implements Ctx {
  #state: unknown;
  #monitors: Monitors | null = null;
  /**
   * The armed idle timeout, if any: its timer, and the message it sends (which
   * identifies it, so a timeout queued before a message came is dropped).
   */
  #idle: { timer: Subscription | null; readonly message: TimeoutMessage } | null = null;

  readonly #behavior: AnyBehavior;
  /**
   * The name to register once `init` has settled, and where: the start
   * options, shared by every incarnation started with them (one field, not
   * two; the start arguments are `boot`'s, not kept: BENCHMARKS.md case 6).
   */
  readonly #naming: Naming | undefined;

  constructor(
    behavior: AnyBehavior,
    sink: Sink | null,
    scheduler: SchedulerLike,
    naming: Naming | undefined,
  ) {
    super(sink, scheduler, naming?.name);
    this.#behavior = behavior;
    this.#naming = naming;
  }

  /** Runs `init` with `args`; `started` follows once it settles. */
  boot(args: unknown): this {
    enter();
    try {
      const registry = this.#naming?.registry;
      const name = this.#naming?.name;
      if (registry !== undefined && name !== undefined) {
        const taken = registry.conflict(name, this.pid);
        if (taken !== null) return (this.crash(taken), this);
      }
      // `run` inlined by hand: no closure per start (BENCHMARKS.md, case 6).
      const previous = running.process;
      running.process = this;
      let result: unknown;
      try {
        result = this.#behavior.init(args, this);
      } catch (error) {
        running.process = previous;
        return (this.crash(error), this);
      }
      running.process = previous;
      if (isAsync(result)) {
        this.wait(
          result,
          (state) => this.#initialized(state),
          (error) => this.crash(error),
          () => this.crash(this.#handlerError('init', 'completed without a value')),
        );
      } else {
        this.#initialized(result);
      }
    } finally {
      leave();
    }
    return this;
  }

  #initialized(result: unknown): void {
    const after = isNext(result) ? result : null;
    const state = after === null ? result : after.result;
    if (state === undefined) return this.crash(this.#noState('init'));
    this.#state = state;
    this.committed(state);
    const registry = this.#naming?.registry;
    const name = this.#naming?.name;
    if (registry !== undefined && name !== undefined) {
      try {
        registry.add(name, this.pid, -1);
      } catch (error) {
        this.initDone();
        return this.crash(error);
      }
    }
    this.started({ kind: 'started', pid: this.pid });
    // Still inside an rxotp callback: no message runs before the continue below.
    if (after !== null && !this.stopAsked) this.#then(after);
  }

  /**
   * Takes one message: one dispatch for casts, calls and info messages, small
   * enough for V8 to inline into the mailbox's `post`, so that a send to an
   * idle actor is one compiled function (BENCHMARKS.md, cases 1 and 2). System
   * messages and an armed idle timeout go through `#before` first.
   */
  protected receive(kind: number, payload: unknown): void {
    if (kind === OWN || this.#idle !== null) {
      kind = this.#before(kind, payload);
      if (kind < 0) return;
    }
    if (kind === CALL) return this.#call(payload as CallRef);
    const behavior = this.#behavior;
    if (kind === CAST ? behavior.handleCast === undefined : behavior.handleInfo === undefined) {
      return this.#crashOn(kind, payload, this.#noHandler(kind));
    }
    // `run` inlined by hand: no closure per message on the mailbox's hot path.
    const previous = running.process;
    running.process = this;
    let result: unknown;
    try {
      // Called as methods of the behaviour: a handler may use `this`.
      result =
        kind === CAST
          ? behavior.handleCast!(payload, this.#state, this)
          : behavior.handleInfo!(payload, this.#state, this);
    } catch (error) {
      running.process = previous;
      return this.#crashOn(kind, payload, error);
    }
    running.process = previous;
    // A plain state: nothing to await, no `next(...)` to unwrap.
    if (typeof result !== 'object' && result !== undefined) {
      this.#state = result;
      return this.committed(result);
    }
    this.#settle(kind, payload, result);
  }

  /** A call: `handleCall` with the request, the caller's ref, the state and the context. */
  #call(ref: CallRef): void {
    const behavior = this.#behavior;
    if (behavior.handleCall === undefined) {
      return this.#crashOn(CALL, ref, this.#noHandler(CALL));
    }
    const previous = running.process;
    running.process = this;
    let result: unknown;
    try {
      result = behavior.handleCall(ref.request, ref, this.#state, this);
    } catch (error) {
      running.process = previous;
      return this.#crashOn(CALL, ref, error);
    }
    running.process = previous;
    this.#settle(CALL, ref, result);
  }

  /**
   * @internal Queues a system message (a monitor's down message, a linked
   * child's exit, an idle timeout) as its own bookkeeping: kind `OWN`, never a
   * dead letter, never refused by a bound; it reaches `handleInfo` in turn.
   */
  system(message: SystemMessage): void {
    this.post(OWN, message, undefined);
  }

  /**
   * Before a system message (kind `OWN`: a `SystemMessage`, see `system`) or
   * any message while an idle timeout is armed: a stale timeout or monitor
   * message is dropped (-1); a live one is an info message; any message ends
   * the idle timeout (OTP's semantic).
   */
  #before(kind: number, payload: unknown): number {
    if (kind === OWN) {
      const message = payload as SystemMessage;
      if (
        message.kind === 'timeout'
          ? message !== this.#idle?.message
          : message.kind === 'down' && !this.#monitors?.take(message.ref)
      )
        return -1;
      kind = INFO;
    }
    if (this.#idle !== null) {
      this.#idle.timer?.unsubscribe();
      this.#idle = null;
    }
    return kind;
  }

  /** What a handler gave: committed now, or awaited while the mailbox is held. */
  #settle(kind: number, payload: unknown, result: unknown): void {
    if (!isAsync(result)) return void this.#handled(kind, payload, result);
    // A call whose handler is still running is owed: an exit meanwhile rejects it.
    if (kind === CALL) this.owe(payload as CallRef);
    this.wait(
      result,
      (value) => {
        if (!this.#handled(kind, payload, value)) this.resume();
      },
      (error) => this.#crashOn(kind, payload, error),
      () =>
        this.#crashOn(
          kind,
          payload,
          this.#handlerError(handlerName(kind), 'completed without a value'),
        ),
    );
  }

  /** Commits a handler's result; `true` when a continue it asked for is still running (async). */
  #handled(kind: number, payload: unknown, returned: unknown): boolean {
    const after = isNext(returned) ? returned : null;
    const result = after === null ? returned : after.result;
    if (kind !== CALL) {
      if (result === undefined) {
        this.#crashOn(kind, payload, this.#noState(handlerName(kind)));
        return false;
      }
      this.#state = result;
      this.committed(result);
      return after !== null && this.#then(after);
    }
    const ref = payload as CallRef;
    if (typeof result !== 'object' || result === null || !('state' in result)) {
      this.#crashOn(
        kind,
        payload,
        this.#handlerError(
          'handleCall',
          'must return { reply, state } or { noreply: true, state }',
        ),
      );
      return false;
    }
    const { state } = result;
    if (state === undefined) {
      this.#crashOn(kind, payload, this.#noState('handleCall'));
      return false;
    }
    this.#state = state;
    this.committed(state);
    if ((result as { noreply?: unknown }).noreply === true) {
      if (!ref.done) this.owe(ref);
    } else {
      ref.resolve((result as { reply?: unknown }).reply);
    }
    return after !== null && this.#then(after);
  }

  /**
   * What a `next(...)` result asked for after its state was committed: runs
   * `handleContinue` before any other message (a loop, so a chain of
   * synchronous continues never grows the stack), then arms the idle timeout
   * of the last result. `true` while an async `handleContinue` holds the
   * mailbox (it resumes it when done). See docs/design.md, "Continue and idle timeout".
   */
  #then(after: Next<unknown>): boolean {
    let current: Next<unknown> | null = after;
    while (current.continues) {
      if (this.stopAsked) return false;
      const previous = running.process;
      running.process = this;
      let result: unknown;
      try {
        const behavior = this.#behavior;
        if (behavior.handleContinue === undefined) {
          throw this.#missing('handleContinue', 'next(state, { continue })');
        }
        result = behavior.handleContinue(current.continue, this.#state, this);
      } catch (error) {
        running.process = previous;
        this.crash(error);
        return false;
      }
      running.process = previous;
      if (isAsync(result)) {
        this.wait(
          result,
          (value) => {
            const next = this.#continued(value);
            if (next === null || !this.#then(next)) this.resume();
          },
          (error) => this.crash(error),
          () => this.crash(this.#handlerError('handleContinue', 'completed without a value')),
        );
        return true;
      }
      current = this.#continued(result);
      if (current === null) return false;
    }
    this.#armIdle(current.timeout);
    return false;
  }

  /** Commits what `handleContinue` gave; its `next(...)`, or `null` (none, or it crashed). */
  #continued(result: unknown): Next<unknown> | null {
    const after = isNext(result) ? result : null;
    const state = after === null ? result : after.result;
    if (state === undefined) {
      this.crash(this.#noState('handleContinue'));
      return null;
    }
    this.#state = state;
    this.committed(state);
    return after;
  }

  /** Arms an idle timeout unless a message is already waiting (it would end it at once). */
  #armIdle(timeout: number): void {
    if (timeout === Infinity || this.depth > 0 || this.stopAsked) return;
    const message: TimeoutMessage = Object.freeze({ kind: 'timeout', after: timeout });
    // Set first: a synchronous scheduler may run the timer before `timer` returns.
    const idle: { timer: Subscription | null; readonly message: TimeoutMessage } = {
      timer: null,
      message,
    };
    this.#idle = idle;
    idle.timer = this.timer(timeout, () => this.system(message));
  }

  #crashOn(kind: number, payload: unknown, error: unknown): void {
    const reason = errorExit(error);
    if (kind === CALL) (payload as CallRef).reject(new ActorExitError(String(this.pid), reason));
    this.exit(reason);
  }

  protected override onStopping(): void {
    this.#monitors?.clear();
    this.#monitors = null;
  }

  protected override spawnedExited(child: Pid, reason: ExitReason): void {
    childExited(this, child, reason);
  }

  /** @internal Whether linked exits arrive as messages (the behaviour's `trapExit`). */
  get trapExit(): boolean {
    return this.#behavior.trapExit === true;
  }

  protected terminate(reason: ExitReason): unknown {
    return this.#behavior.terminate?.(reason, this.#state, this);
  }

  protected exitNotification(reason: ExitReason): Lifecycle {
    return { kind: 'exit', pid: this.pid, reason };
  }

  /** The error of a message whose handler the behaviour lacks. */
  #noHandler(kind: number): HandlerError {
    return this.#missing(
      handlerName(kind),
      kind === CAST ? 'cast' : kind === CALL ? 'call' : 'send',
    );
  }

  #missing(handler: string, by: string): HandlerError {
    return this.#handlerError(
      handler,
      `is missing, and a message came by ${by}. Add ${handler} to the behavior.`,
    );
  }

  /** OTP's `bad_return_value`: `undefined` is never a state. */
  #noState(handler: string): HandlerError {
    return this.#handlerError(
      handler,
      handler === 'handleCall'
        ? 'returned undefined as the state. Return { reply, state } with the state; use null for none.'
        : 'returned undefined as the state. Return the state; use null for none.',
    );
  }

  #handlerError(handler: string, problem: string): HandlerError {
    return new HandlerError(String(this.pid), handler, problem);
  }

  /** @internal The committed state, for `state$`; `hasState` tells whether init has settled. */
  currentState(): unknown {
    return this.#state;
  }

  /** @internal */
  get hasState(): boolean {
    return this.running;
  }

  // ---- Ctx ----------------------------------------------------------------------

  get self(): Pid {
    return this.pid;
  }

  get mailbox(): Subject<unknown> {
    return this;
  }

  stop(reason: ExitReason = NORMAL): void {
    this.requestStop(reason);
  }

  reply<R>(from: CallRef<R>, value: NoInfer<R>): void {
    from.resolve(value);
  }

  monitor(pid: Pid): MonitorRef {
    const ref = (this.#monitors ??= new Monitors(this)).add(pid);
    // Made in `terminate`: its monitors have already ended, and this one ends at once.
    if (this.reason !== undefined) this.onStopping();
    return ref;
  }

  demonitor(ref: MonitorRef): boolean {
    return (this.#monitors ??= new Monitors(this)).remove(ref);
  }

  sendAfter(delay: number, message: unknown): Subscription {
    checkDuration('sendAfter', 'delay', delay, 'allowed');
    return this.timer(delay, () => this.post(INFO, message, undefined));
  }
}

const handlerName = (kind: number): string =>
  kind === CAST ? 'handleCast' : kind === CALL ? 'handleCall' : 'handleInfo';
