import type { Observable, SchedulerLike, Subject, Subscription } from 'rxjs';
import type { ExitReason } from '../exit/exit-reason.js';
import type { CallRef } from '../messaging/call-ref.js';
import type { Pid } from './pid.js';
import type { Protocol } from './protocol.js';
import type { Next } from './next.js';
import type { MonitorRef } from './system-messages.js';

/**
 * A value now, or later: a handler may return its result, a Promise of it, or an
 * Observable whose last value is it. Async results hold the mailbox until they settle.
 *
 * @example
 * ```ts
 * const later: MaybeAsync<number> = of(1, 2, 3); // settles to 3
 * ```
 *
 * @typeParam T - The value, given now or later.
 */
export type MaybeAsync<T> = T | PromiseLike<T> | Observable<T>;

/**
 * What `handleCall` returns: a reply and the new state, or `noreply` and the new
 * state, with the reply given later by `ctx.reply(from, value)`.
 *
 * @example
 * ```ts
 * handleCall: (req: 'get', from, n: number) => ({ reply: n, state: n }),
 * ```
 *
 * @typeParam R - What `handleCall` replies.
 * @typeParam S - The actor's state.
 */
export type CallResult<R, S> =
  { readonly reply: R; readonly state: S } | { readonly noreply: true; readonly state: S };

/**
 * What a genServer's callbacks can do to their own incarnation.
 *
 * @example
 * ```ts
 * handleInfo(msg: 'tick', n: number, ctx) {
 *   if (n > 10) ctx.stop();
 *   else ctx.sendAfter(1000, 'tick');
 *   return n + 1;
 * }
 * ```
 *
 * @typeParam P - The actor's protocol; loosely typed (`Protocol`) unless the protocol is stated first.
 */
export interface Ctx<P extends Protocol = Protocol> {
  /** This incarnation's pid. */
  readonly self: Pid<P>;
  /** The scheduler its timers run on. */
  readonly scheduler: SchedulerLike;
  /** Its mailbox: `next` sends an info message; subscribe it to an Observable to feed it. */
  readonly mailbox: Subject<P['info']>;
  /** Stops after the running handler returns (default reason `normal`). */
  stop(reason?: ExitReason): void;
  /**
   * Gives a deferred reply (the call's `from` is what `handleCall` received).
   * @typeParam R - The reply type of the call being answered.
   */
  reply<R>(from: CallRef<R>, value: R): void;
  /** Sends `message` to itself after `delay` ms on its scheduler; cancelled when it exits. */
  sendAfter(delay: number, message: P['info']): Subscription;
  /** Emits `value` on `published$` for this incarnation (and, through a name, across restarts). */
  publish(value: unknown): void;
  /**
   * Watches `pid`: when it exits (at once if it has already exited), a
   * `{ kind: 'down', ref, pid, reason }` message arrives in `handleInfo`.
   * Ends with this incarnation.
   */
  monitor(pid: Pid): MonitorRef;
  /** Turns a monitor off: no down message arrives after it. `true` if it was still on. */
  demonitor(ref: MonitorRef): boolean;
}

/**
 * The callbacks that define a genServer. Only `init` is required; a message
 * that arrives for a missing handler crashes the actor with a `HandlerError`.
 *
 * @example
 * ```ts
 * const behavior: Behavior<number, number, 'get', number, 'inc', never> = {
 *   init: (start) => start,
 *   handleCall: (_req, _from, n) => ({ reply: n, state: n }),
 *   handleCast: (_req, n) => n + 1,
 * };
 * ```
 *
 * @typeParam S - The actor's state.
 * @typeParam A - What `init` takes: the start arguments (`void` for none).
 * @typeParam C - The requests `handleCall` takes.
 * @typeParam R - What `handleCall` replies.
 * @typeParam K - The requests `handleCast` takes.
 * @typeParam I - The info messages `handleInfo` takes (`send`, `ctx.sendAfter`, the mailbox).
 */
export interface Behavior<S, A = void, C = never, R = unknown, K = never, I = never> {
  /**
   * Builds the first state from the start arguments; a throw or rejection is an
   * `error` exit. (Its `ctx` is loosely typed so that using it here does not
   * stop TypeScript from inferring the message types from the handlers.)
   */
  init(args: A, ctx: Ctx): MaybeAsync<S | Next<S>>;
  /** Answers a `call`. */
  handleCall?(
    request: C,
    from: CallRef,
    state: S,
    ctx: Ctx<{ call: C; reply: R; cast: K; info: I }>,
  ): MaybeAsync<CallResult<R, S> | Next<CallResult<R, S>>>;
  /** Handles a `cast`; returns the new state. */
  handleCast?(
    request: K,
    state: S,
    ctx: Ctx<{ call: C; reply: R; cast: K; info: I }>,
  ): MaybeAsync<S | Next<S>>;
  /**
   * Handles a raw message (`send`, `sendAfter`, a fed Observable) and the
   * messages rxotp sends when asked to (`DownMessage`, `ExitMessage`,
   * `TimeoutMessage`: include them in the message type); returns the new state.
   */
  handleInfo?(
    message: I,
    state: S,
    ctx: Ctx<{ call: C; reply: R; cast: K; info: I }>,
  ): MaybeAsync<S | Next<S>>;
  /**
   * Runs right after a result made with `next(state, { continue: value })`,
   * before any other message (OTP's `handle_continue`); returns the new state.
   */
  handleContinue?(
    value: unknown,
    state: S,
    ctx: Ctx<{ call: C; reply: R; cast: K; info: I }>,
  ): MaybeAsync<S | Next<S>>;
  /**
   * When `true`, the exit of an actor spawned from a handler arrives as a
   * `{ kind: 'exit', pid, reason }` message in `handleInfo` instead of ending
   * this one on a crash (Erlang's `trap_exit`). Default `false`.
   */
  readonly trapExit?: boolean;
  /** Runs once on every exit after a successful `init`, with the reason and the last committed state. */
  terminate?(
    reason: ExitReason,
    state: S,
    ctx: Ctx<{ call: C; reply: R; cast: K; info: I }>,
  ): void | PromiseLike<unknown> | Observable<unknown>;
}
