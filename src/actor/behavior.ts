import type { Observable, SchedulerLike, Subject, Subscription } from 'rxjs';
import type { ExitReason } from '../exit/exit-reason.js';
import type { CallRef } from '../messaging/call-ref.js';
import type { Pid } from './pid.js';
import type {
  CallOf,
  CastOf,
  InfoOf,
  Protocol,
  PublishedOf,
  ReplyOf,
  StateOf,
} from './protocol.js';
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
 * What a genServer's callbacks can do to their own incarnation. In the
 * protocol-first form (`genServer<P>()({ ... })`) it is `Ctx<P>` everywhere,
 * `init` included, and checks every message; in the plain object-literal form
 * it is `Ctx` (loosely typed), so that using it never disturbs the inference
 * of the message types (docs/design.md, "Types").
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
 * @typeParam P - The actor's protocol; `Protocol` (loose) unless the protocol is stated first.
 */
export interface Ctx<P extends Protocol = Protocol> {
  /** This incarnation's pid. */
  readonly self: Pid<P>;
  /** The scheduler its timers run on. */
  readonly scheduler: SchedulerLike;
  /** Its mailbox: `next` sends an info message; subscribe it to an Observable to feed it. */
  readonly mailbox: Subject<InfoOf<P>>;
  /** Stops after the running handler returns (default reason `normal`). */
  stop(reason?: ExitReason): void;
  /**
   * Gives a deferred reply (the call's `from` is what `handleCall` received).
   * The value is checked against the reply type that `from` carries.
   * @typeParam R - The reply type of the call being answered, read from `from`.
   */
  reply<R>(from: CallRef<R>, value: NoInfer<R>): void;
  /** Sends `message` to itself after `delay` ms on its scheduler; cancelled when it exits. */
  sendAfter(delay: number, message: InfoOf<P>): Subscription;
  /** Emits `value` on `published$` for this incarnation (and, through a name, across restarts). */
  publish(value: PublishedOf<P>): void;
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
 * The callbacks of a genServer whose protocol is stated first
 * (`genServer<P>()(behavior)`): every message, reply and `ctx` is checked
 * against `P`, in `init` too. Only `init` is required; a message that arrives
 * for a missing handler crashes the actor with a `HandlerError`.
 *
 * @example
 * ```ts
 * interface Counter { call: 'get'; reply: number; cast: 'inc'; state: number }
 * const behavior: Behavior<Counter, number, number> = {
 *   init: (start) => start,
 *   handleCall: (_req, _from, n) => ({ reply: n, state: n }),
 *   handleCast: (_req, n) => n + 1,
 * };
 * ```
 *
 * @typeParam P - The protocol: calls, reply, casts, info messages, and optionally state and published values.
 * @typeParam S - The actor's state (never `undefined`; use `null` for none).
 * @typeParam A - What `init` takes: the start arguments (`void` for none).
 */
export interface Behavior<P extends Protocol, S = StateOf<P>, A = void> {
  /** Builds the first state from the start arguments; a throw or rejection is an `error` exit. */
  init(args: A, ctx: Ctx<P>): MaybeAsync<S | Next<S>>;
  /** Answers a `call`: `{ reply, state }`, or `{ noreply: true, state }` and `ctx.reply(from, v)` later. */
  handleCall?(
    request: CallOf<P>,
    from: CallRef<ReplyOf<P>>,
    state: S,
    ctx: Ctx<P>,
  ): MaybeAsync<CallResult<ReplyOf<P>, S> | Next<CallResult<ReplyOf<P>, S>>>;
  /** Handles a `cast`; returns the new state. */
  handleCast?(request: CastOf<P>, state: S, ctx: Ctx<P>): MaybeAsync<S | Next<S>>;
  /**
   * Handles a raw message (`send`, `sendAfter`, a fed Observable) and the
   * messages rxotp sends when asked to (`DownMessage`, `ExitMessage`,
   * `TimeoutMessage`: include them in the message type); returns the new state.
   */
  handleInfo?(message: InfoOf<P>, state: S, ctx: Ctx<P>): MaybeAsync<S | Next<S>>;
  /**
   * Runs right after a result made with `next(state, { continue: value })`,
   * before any other message (OTP's `handle_continue`); returns the new state.
   */
  handleContinue?(value: unknown, state: S, ctx: Ctx<P>): MaybeAsync<S | Next<S>>;
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
    ctx: Ctx<P>,
  ): void | PromiseLike<unknown> | Observable<unknown>;
}

/**
 * The callbacks of a genServer written as a plain object literal
 * (`genServer({ ... })`), from which every type is inferred: annotate each
 * handler's message and `init`'s arguments, and the state, the calls, the
 * reply, the casts and the info messages follow, whatever the handlers' order
 * and whether they use `ctx`. Here `ctx` is the loosely typed `Ctx` and `from`
 * is `CallRef<unknown>` unless annotated (docs/design.md, "Types": TypeScript
 * fixes a type from any parameter that mentions it, so these must not).
 *
 * @example
 * ```ts
 * const behavior = {
 *   init: (start: number) => start,
 *   handleCast: (_req: 'inc', n: number) => n + 1,
 * } satisfies LiteralBehavior<number, number, never, never, unknown, 'inc', never>;
 * ```
 *
 * @typeParam S - The actor's state, inferred from `init` (never `undefined`; use `null` for none).
 * @typeParam A - What `init` takes: the start arguments (`void` for none).
 * @typeParam C - The requests `handleCall` takes.
 * @typeParam X - What `handleCall` returns; the reply type is read from its `reply` branches.
 * @typeParam F - The reply type an annotated `from: CallRef<F>` states (for servers that only defer).
 * @typeParam K - The requests `handleCast` takes.
 * @typeParam I - The info messages `handleInfo` takes (`send`, `ctx.sendAfter`, the mailbox).
 */
export interface LiteralBehavior<S, A, C, X, F, K, I> {
  /** Builds the first state from the start arguments; a throw or rejection is an `error` exit. */
  init(args: A, ctx: Ctx): MaybeAsync<S | Next<S>>;
  /** Answers a `call`: `{ reply, state }`, or `{ noreply: true, state }` and `ctx.reply(from, v)` later. */
  handleCall?(request: C, from: CallRef<F>, state: S, ctx: Ctx): MaybeAsync<X | Next<X>>;
  /** Handles a `cast`; returns the new state. */
  handleCast?(request: K, state: S, ctx: Ctx): MaybeAsync<S | Next<S>>;
  /**
   * Handles a raw message (`send`, `sendAfter`, a fed Observable) and the
   * messages rxotp sends when asked to (`DownMessage`, `ExitMessage`,
   * `TimeoutMessage`: include them in the message type); returns the new state.
   */
  handleInfo?(message: I, state: S, ctx: Ctx): MaybeAsync<S | Next<S>>;
  /** Runs right after a result made with `next(state, { continue: value })`, before any other message. */
  handleContinue?(value: unknown, state: S, ctx: Ctx): MaybeAsync<S | Next<S>>;
  /** When `true`, linked actors' exits arrive as `ExitMessage`s in `handleInfo` (Erlang's `trap_exit`). */
  readonly trapExit?: boolean;
  /** Runs once on every exit after a successful `init`, with the reason and the last committed state. */
  terminate?(
    reason: ExitReason,
    state: S,
    ctx: Ctx,
  ): void | PromiseLike<unknown> | Observable<unknown>;
}
