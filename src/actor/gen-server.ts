import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { holds } from '../check/holds.js';
import { isScheduler } from '../check/is-scheduler.js';
import { readFields } from '../check/read-fields.js';
import { checkMailbox, type MailboxOptions } from '../mailbox/mailbox-options.js';
import { Registry } from '../registry/registry.js';
import type { Behavior, CallResult, LiteralBehavior } from './behavior.js';
import type { CallOf, CastOf, InfoOf, Protocol, PublishedOf, ReplyOf } from './protocol.js';
import { GenServerProcess, type AnyBehavior } from './gen-server-process.js';
import type { Lifecycle } from './lifecycle.js';
import { lifecycleStream } from './lifecycle-stream.js';
import type { Sink } from './process.js';
import { mustBe } from '../check/must-be.js';

/**
 * Options of `def.start` and `spawn`.
 *
 * @example
 * ```ts
 * spawn(counter, 0, { name: 'counter', registry });
 * ```
 */
export interface StartOptions {
  /** Registers the incarnation under this name in `registry` (and labels its pid). */
  readonly name?: string;
  /** Where `name` is registered, once `init` has settled. */
  readonly registry?: Registry;
  /** The scheduler of its timers (`sendAfter`); default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Bounds its mailbox (default: unbounded). */
  readonly mailbox?: MailboxOptions;
}

/**
 * A genServer definition. `start(args)` is cold: each subscription is one
 * incarnation with a fresh mailbox and pid.
 *
 * @example
 * ```ts
 * counter.start(0).subscribe((n) => console.log(n.kind));
 * ```
 *
 * @typeParam P - Its protocol, as its pids carry it: calls, reply, casts, info messages, state, published values.
 * @typeParam A - What `init` takes: the start arguments (`void` for none).
 */
export interface GenServer<P extends Protocol, A> {
  /** @internal The callbacks it was defined with. */
  readonly behavior: object;
  /** The lifecycle stream of one incarnation per subscription. */
  start(args: A, options?: StartOptions): Observable<Lifecycle<P>>;
  /** @internal Boots one incarnation outside any subscription. */
  boot(args: A, options: StartOptions | undefined, sink: Sink | null): GenServerProcess;
}

/**
 * The protocol of a genServer definition, for typing names, `via` addresses and pids.
 *
 * @example
 * ```ts
 * const db = typedName<ProtocolOf<typeof dbServer>>('db');
 * ```
 *
 * @typeParam D - A genServer definition's type (`typeof counter`).
 */
export type ProtocolOf<D> = D extends GenServer<infer P, infer _A> ? P : never;

/**
 * The protocol a genServer definition's pids carry: each field stated, so the
 * two ways of writing a definition give the same type.
 *
 * @example
 * ```ts
 * type Counter = ServerProtocol<number, 'get', number, 'inc', never, unknown>;
 * ```
 *
 * @typeParam S - The state.
 * @typeParam C - The requests `handleCall` takes.
 * @typeParam R - What `handleCall` replies.
 * @typeParam K - The requests `handleCast` takes.
 * @typeParam I - The info messages `handleInfo` takes.
 * @typeParam U - What it publishes.
 */
export interface ServerProtocol<S, C, R, K, I, U> {
  /** Requests `handleCall` takes. */
  readonly call: C;
  /** What `handleCall` replies. */
  readonly reply: R;
  /** Requests `handleCast` takes. */
  readonly cast: K;
  /** Messages `handleInfo` takes. */
  readonly info: I;
  /** The state. */
  readonly state: S;
  /** What it publishes. */
  readonly published: U;
}

/**
 * The reply type of a literal `handleCall`: the union of its `reply` branches
 * (a `noreply` branch adds nothing), else what an annotated `from` states,
 * else `unknown` (a server that only defers, with `from` not annotated).
 * @inline
 */
type InferredReply<X, F> = [Replied<X>] extends [never] ? F : Replied<X>;
/**
 * The `reply` of each branch that has one. A `noreply` object literal is
 * widened by TypeScript with an optional `reply?: undefined`, which this skips.
 * @inline
 */
type Replied<X> = X extends { readonly reply: infer R } ? R : never;

/**
 * A state: anything but `undefined` (docs/design.md, "Lifecycle": `null` stands for none).
 * @inline
 */
type Defined = NonNullable<unknown> | null;

const HANDLERS = ['handleCall', 'handleCast', 'handleInfo', 'handleContinue', 'terminate'] as const;

/**
 * What the protocol-first form reads besides the protocol: the start
 * arguments, if stated (else they are inferred from `init`, default `void`).
 *
 * @example
 * ```ts
 * interface Counter { args: number; call: 'get'; reply: number; cast: 'inc'; state: number }
 * ```
 */
export interface ServerTypes extends Protocol {
  /** What `init` takes: the start arguments. */
  readonly args?: unknown;
}

/**
 * The state of the protocol-first form: `P['state']` if stated (less `undefined`), else the inferred `S`.
 * @inline
 */
type StateIn<P, S> = 'state' extends keyof P ? Exclude<P['state'], undefined> : S;
/**
 * The start arguments of the protocol-first form: `P['args']` if stated, else the inferred `A`.
 * @inline
 */
type ArgsIn<P, A> = 'args' extends keyof P ? P['args'] : A;

/**
 * What `genServer<P>()` returns: it takes the behavior, checked against `P`,
 * and gives the definition.
 *
 * @example
 * ```ts
 * const define: DefineServer<{ cast: 'inc'; state: number }> = genServer<{ cast: 'inc'; state: number }>();
 * const counter = define({ init: () => 0, handleCast: (_req, n) => n + 1 });
 * ```
 *
 * @typeParam P - The protocol: calls, reply, casts, info messages, and optionally state, published values and start arguments.
 */
export interface DefineServer<P extends ServerTypes> {
  /**
   * Defines the actor.
   * @typeParam S - The state, inferred from `init` when `P` does not state it.
   * @typeParam A - The start arguments, inferred from `init` when `P` does not state them.
   */
  <S extends Defined = Defined, A = void>(
    behavior: Behavior<P, StateIn<P, S>, ArgsIn<P, A>>,
  ): GenServer<
    ServerProtocol<StateIn<P, S>, CallOf<P>, ReplyOf<P>, CastOf<P>, InfoOf<P>, PublishedOf<P>>,
    ArgsIn<P, A>
  >;
}

/**
 * Defines an actor from its protocol, stated first: the curried form
 * `genServer<P>()({ init, handleCall, ... })`. Every `ctx` (in `init` too),
 * every handler's message, `from` and `ctx.reply(from, value)` are checked
 * against `P`. The state is `P['state']` and the start arguments `P['args']`
 * if `P` states them, else they are inferred from `init`.
 *
 * @example
 * ```ts
 * interface Ticker { call: 'count'; reply: number; info: 'tick'; state: number }
 * const ticker = genServer<Ticker>()({
 *   init: (_: void, ctx) => {
 *     ctx.sendAfter(1000, 'tick'); // 'tikc' would not compile
 *     return 0;
 *   },
 *   handleInfo: (_tick, n, ctx) => {
 *     ctx.sendAfter(1000, 'tick');
 *     return n + 1;
 *   },
 *   handleCall: (_req, _from, n) => ({ reply: n, state: n }),
 * });
 * ```
 *
 * @typeParam P - The protocol: calls, reply, casts, info messages, and optionally state, published values and start arguments.
 */
export function genServer<P extends ServerTypes>(): DefineServer<P>;
/**
 * Defines an actor from `init` and handlers written as a plain object literal,
 * each of which may be synchronous or return a Promise or an Observable (which
 * holds the mailbox until it settles). The protocol is inferred from the
 * handlers' annotated messages and their results, in any order, whether or not
 * they use `ctx` (which is loosely typed here; state the protocol first,
 * `genServer<P>()({ ... })`, to have `ctx` checked too).
 *
 * @example
 * ```ts
 * const counter = genServer({
 *   init: (start: number) => start,
 *   handleCast: (_: 'inc', n) => n + 1,
 *   handleCall: (_: 'get', _from, n) => ({ reply: n, state: n }),
 * });
 * const pid = spawn(counter, 0);
 * cast(pid, 'inc');
 * await call(pid, 'get'); // 1
 * ```
 *
 * @typeParam S - The actor's state, inferred from `init` (never `undefined`; use `null` for none).
 * @typeParam A - What `init` takes: the start arguments (`void` for none).
 * @typeParam C - The requests `handleCall` takes.
 * @typeParam X - What `handleCall` returns; the reply type is the union of its `reply` branches.
 * @typeParam F - The reply type an annotated `from: CallRef<F>` states (used when `handleCall` only defers).
 * @typeParam K - The requests `handleCast` takes.
 * @typeParam I - The info messages `handleInfo` takes (`send`, `ctx.sendAfter`, the mailbox).
 */
export function genServer<
  S extends Defined,
  A = void,
  C = never,
  X extends CallResult<unknown, S> = never,
  F = unknown,
  K = never,
  I = never,
>(
  behavior: LiteralBehavior<S, A, C, X, F, K, I>,
): GenServer<ServerProtocol<S, C, InferredReply<X, F>, K, I, unknown>, A>;
export function genServer(...input: [behavior?: unknown]): unknown {
  if (input.length === 0) return (behavior: unknown) => define('genServer<P>()', behavior);
  return define('genServer', input[0]);
}

/** Checks a behavior and makes its definition. */
function define(fn: string, behavior: unknown): GenServer<Protocol, unknown> {
  const read = readFields(
    fn,
    'behavior',
    behavior,
    ['init', 'trapExit', ...HANDLERS],
    '{ init: (args) => state, handleCast, ... }',
  );
  if (read === undefined || typeof read.init !== 'function') {
    throw mustBe(fn, 'behavior.init', 'a function (args, ctx) => initial state', read?.init);
  }
  for (const handler of HANDLERS) {
    const value = read[handler];
    if (value !== undefined && typeof value !== 'function') {
      throw mustBe(fn, `behavior.${handler}`, 'a function or left out', value);
    }
  }
  if (read.trapExit !== undefined && typeof read.trapExit !== 'boolean') {
    throw mustBe('genServer', 'behavior.trapExit', 'true, false or left out', read.trapExit);
  }
  const any = behavior as AnyBehavior;
  const boot = (
    args: unknown,
    options: StartOptions | undefined,
    sink: Sink | null,
  ): GenServerProcess => {
    const scheduler = options?.scheduler ?? asyncScheduler;
    const mailbox = options?.mailbox;
    const process = new GenServerProcess(any, sink, scheduler, options);
    if (mailbox !== undefined) process.limit(mailbox.bound, mailbox.overflow === 'drop-oldest');
    return process.boot(args);
  };
  return {
    behavior: any,
    boot,
    start(args, options) {
      const checked = checkStartOptions('start', options);
      return lifecycleStream<Lifecycle, unknown, StartOptions | undefined>(
        'worker',
        boot,
        args,
        checked,
      );
    },
  };
}

/** @internal Reads and checks the options of `start` and `spawn`; returns the checked copy. */
export function checkStartOptions(fn: string, options: unknown): StartOptions | undefined {
  const read = readFields(
    fn,
    'options',
    options,
    ['name', 'registry', 'scheduler', 'mailbox'],
    '{ name, registry, scheduler, mailbox }',
  );
  if (read === undefined) return undefined;
  const { name, registry, scheduler } = read;
  if (read.mailbox !== undefined) read.mailbox = checkMailbox(fn, read.mailbox);
  if (name !== undefined && typeof name !== 'string') {
    throw mustBe(fn, 'options.name', 'a string', name);
  }
  if (registry !== undefined && !holds(() => registry instanceof Registry)) {
    throw mustBe(fn, 'options.registry', 'a Registry', registry);
  }
  if (registry !== undefined && name === undefined) {
    throw new TypeError(`${fn}: options.registry needs options.name, the name to register.`);
  }
  if (scheduler !== undefined && !isScheduler(scheduler)) {
    throw mustBe(fn, 'options.scheduler', 'an rxjs SchedulerLike', scheduler);
  }
  return read as StartOptions;
}
