import type { SchedulerLike, Subject, Subscription } from 'rxjs';
import { ActorExitError } from '../errors/actor-exit-error.js';
import { HandlerError } from '../errors/handler-error.js';
import { NORMAL, errorExit, type ExitReason } from '../exit/exit-reason.js';
import { CALL, CAST, INFO } from '../mailbox/kinds.js';
import { enter, leave } from '../mailbox/run-queue.js';
import { checkDuration } from '../time/check-duration.js';
import type { CallRef } from '../messaging/call-ref.js';
import type { Registry } from '../registry/registry.js';
import type { CallResult, Ctx, LiteralBehavior } from './behavior.js';
import type { Lifecycle } from './lifecycle.js';
import type { Pid } from './pid.js';
import { Process, running, type Sink } from './process.js';
import { isAsync } from './settle.js';

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

/** @internal One incarnation of a genServer. It is its own `ctx`. */
export class GenServerProcess extends Process implements Ctx {
  private state: unknown;

  constructor(
    private readonly behavior: AnyBehavior,
    private readonly args: unknown,
    sink: Sink | null,
    scheduler: SchedulerLike,
    private readonly name: string | undefined,
    private readonly registry: Registry | undefined,
  ) {
    super(sink, scheduler, name);
  }

  /** Runs `init`; `started` follows once it settles. */
  boot(): this {
    enter();
    try {
      const { registry, name } = this;
      if (registry !== undefined && name !== undefined) {
        const taken = registry.conflict(name, this.pid);
        if (taken !== null) return (this.crash(taken), this);
      }
      let result: unknown;
      try {
        result = this.run(() => this.behavior.init(this.args, this));
      } catch (error) {
        return (this.crash(error), this);
      }
      if (isAsync(result)) {
        this.wait(
          result,
          (state) => this.initialized(state),
          (error) => this.crash(error),
          () => this.crash(this.handlerError('init', 'completed without a value')),
        );
      } else {
        this.initialized(result);
      }
    } finally {
      leave();
    }
    return this;
  }

  private initialized(state: unknown): void {
    if (state === undefined) return this.crash(this.noState('init'));
    this.state = state;
    this.committed(state);
    const { registry, name } = this;
    if (registry !== undefined && name !== undefined) {
      try {
        registry.add(name, this.pid, -1);
      } catch (error) {
        this.initDone();
        return this.crash(error);
      }
    }
    this.started({ kind: 'started', pid: this.pid });
  }

  protected receive(kind: number, payload: unknown): void {
    const behavior = this.behavior;
    // `run` inlined by hand: no closure per message on the mailbox's hot path.
    const previous = running.process;
    running.process = this;
    let result: unknown;
    try {
      if (kind === CAST) {
        if (behavior.handleCast === undefined) throw this.missing('handleCast', 'cast');
        result = behavior.handleCast(payload, this.state, this);
      } else if (kind === CALL) {
        if (behavior.handleCall === undefined) throw this.missing('handleCall', 'call');
        result = behavior.handleCall(
          (payload as CallRef).request,
          payload as CallRef,
          this.state,
          this,
        );
      } else {
        if (behavior.handleInfo === undefined) throw this.missing('handleInfo', 'send');
        result = behavior.handleInfo(payload, this.state, this);
      }
    } catch (error) {
      running.process = previous;
      return this.crashOn(kind, payload, error);
    }
    running.process = previous;
    if (!isAsync(result)) return this.handled(kind, payload, result);
    // A call whose handler is still running is owed: an exit meanwhile rejects it.
    if (kind === CALL) this.owe(payload as CallRef);
    this.wait(
      result,
      (value) => {
        this.handled(kind, payload, value);
        this.resume();
      },
      (error) => this.crashOn(kind, payload, error),
      () =>
        this.crashOn(
          kind,
          payload,
          this.handlerError(handlerName(kind), 'completed without a value'),
        ),
    );
  }

  private handled(kind: number, payload: unknown, result: unknown): void {
    if (kind !== CALL) {
      if (result === undefined) return this.crashOn(kind, payload, this.noState(handlerName(kind)));
      this.state = result;
      this.committed(result);
      return;
    }
    const ref = payload as CallRef;
    if (typeof result !== 'object' || result === null || !('state' in result)) {
      return this.crashOn(
        kind,
        payload,
        this.handlerError('handleCall', 'must return { reply, state } or { noreply: true, state }'),
      );
    }
    const { state } = result;
    if (state === undefined) return this.crashOn(kind, payload, this.noState('handleCall'));
    this.state = state;
    this.committed(state);
    if ((result as { noreply?: unknown }).noreply === true) {
      if (!ref.done) this.owe(ref);
    } else {
      ref.resolve((result as { reply?: unknown }).reply);
    }
  }

  private crashOn(kind: number, payload: unknown, error: unknown): void {
    const reason = errorExit(error);
    if (kind === CALL) (payload as CallRef).reject(new ActorExitError(String(this.pid), reason));
    this.exit(reason);
  }

  protected terminate(reason: ExitReason): unknown {
    return this.behavior.terminate?.(reason, this.state, this);
  }

  protected exitNotification(reason: ExitReason): Lifecycle {
    return { kind: 'exit', pid: this.pid, reason };
  }

  private missing(handler: string, via: string): HandlerError {
    return this.handlerError(
      handler,
      `is missing, and a message came by ${via}. Add ${handler} to the behavior.`,
    );
  }

  /** OTP's `bad_return_value`: `undefined` is never a state. */
  private noState(handler: string): HandlerError {
    return this.handlerError(
      handler,
      handler === 'handleCall'
        ? 'returned undefined as the state. Return { reply, state } with the state; use null for none.'
        : 'returned undefined as the state. Return the state; use null for none.',
    );
  }

  private handlerError(handler: string, problem: string): HandlerError {
    return new HandlerError(String(this.pid), handler, problem);
  }

  /** @internal The committed state, for `state$`; `hasState` tells whether init has settled. */
  currentState(): unknown {
    return this.state;
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

  sendAfter(delay: number, message: unknown): Subscription {
    checkDuration('sendAfter', 'delay', delay, 'allowed');
    return this.timer(delay, () => this.post(INFO, message, undefined));
  }
}

const handlerName = (kind: number): string =>
  kind === CAST ? 'handleCast' : kind === CALL ? 'handleCall' : 'handleInfo';
