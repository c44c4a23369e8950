import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { holds } from '../check/holds.js';
import { isScheduler } from '../check/is-scheduler.js';
import { readFields } from '../check/read-fields.js';
import { checkMailbox, type MailboxOptions } from '../mailbox/mailbox-options.js';
import { Registry } from '../registry/registry.js';
import { describe } from './address.js';
import type { Behavior } from './behavior.js';
import { GenServerProcess, type AnyBehavior } from './gen-server-process.js';
import { lifecycleStream, type Lifecycle } from './lifecycle.js';
import type { Sink } from './process.js';

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
 * @typeParam A - What `init` takes: the start arguments (`void` for none).
 * @typeParam C - The requests `handleCall` takes.
 * @typeParam R - What `handleCall` replies.
 * @typeParam K - The requests `handleCast` takes.
 * @typeParam I - The info messages `handleInfo` takes (`send`, `ctx.sendAfter`, the mailbox).
 */
export interface GenServer<A, C, R, K, I> {
  /** The callbacks it was defined with. */
  readonly behavior: Behavior<unknown, A, C, R, K, I>;
  /** The lifecycle stream of one incarnation per subscription. */
  start(
    args: A,
    options?: StartOptions,
  ): Observable<Lifecycle<{ call: C; reply: R; cast: K; info: I }>>;
  /** @internal Boots one incarnation outside any subscription. */
  boot(args: A, options: StartOptions | undefined, sink: Sink | null): GenServerProcess;
}

/**
 * The protocol of a genServer definition, for typing `via` addresses and pids.
 *
 * @example
 * ```ts
 * const db = via<ProtocolOf<typeof dbServer>>(registry, 'db');
 * ```
 *
 * @typeParam D - A genServer definition's type (`typeof counter`).
 */
export type ProtocolOf<D> =
  D extends GenServer<infer _A, infer C, infer R, infer K, infer I>
    ? { call: C; reply: R; cast: K; info: I }
    : never;

const HANDLERS = ['handleCall', 'handleCast', 'handleInfo', 'handleContinue', 'terminate'] as const;

/**
 * Defines an actor from `init` and handlers, each of which may be synchronous
 * or return a Promise or an Observable (which holds the mailbox until it settles).
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
 * @typeParam S - The actor's state. Inferred from `init` and the handlers.
 * @typeParam A - What `init` takes: the start arguments (`void` for none).
 * @typeParam C - The requests `handleCall` takes.
 * @typeParam R - What `handleCall` replies.
 * @typeParam K - The requests `handleCast` takes.
 * @typeParam I - The info messages `handleInfo` takes (`send`, `ctx.sendAfter`, the mailbox).
 */
export function genServer<S, A = void, C = never, R = unknown, K = never, I = never>(
  behavior: Behavior<S, A, C, R, K, I>,
): GenServer<A, C, R, K, I> {
  const read = readFields(
    'genServer',
    'behavior',
    behavior,
    ['init', 'trapExit', ...HANDLERS],
    '{ init: (args) => state, handleCast, ... }',
  );
  if (read === undefined || typeof read.init !== 'function') {
    throw new TypeError(
      `genServer: behavior.init must be a function (args, ctx) => initial state, got ${describe(read?.init)}.`,
    );
  }
  for (const handler of HANDLERS) {
    const fn = read[handler];
    if (fn !== undefined && typeof fn !== 'function') {
      throw new TypeError(
        `genServer: behavior.${handler} must be a function or left out, got ${describe(fn)}.`,
      );
    }
  }
  if (read.trapExit !== undefined && typeof read.trapExit !== 'boolean') {
    throw new TypeError(
      `genServer: behavior.trapExit must be true, false or left out, got ${describe(read.trapExit)}.`,
    );
  }
  const any = behavior as unknown as AnyBehavior;
  const boot = (
    args: A,
    options: StartOptions | undefined,
    sink: Sink | null,
  ): GenServerProcess => {
    const { name, registry, scheduler = asyncScheduler, mailbox } = options ?? {};
    const process = new GenServerProcess(any, args, sink, scheduler, name, registry);
    if (mailbox !== undefined) process.limit(mailbox.bound, mailbox.overflow === 'drop-oldest');
    return process.boot();
  };
  return {
    behavior: behavior,
    boot,
    start(args, options) {
      const checked = checkStartOptions('start', options);
      return lifecycleStream<Lifecycle>('worker', (sink) =>
        boot(args, checked, sink),
      ) as Observable<Lifecycle<{ call: C; reply: R; cast: K; info: I }>>;
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
    throw new TypeError(`${fn}: options.name must be a string, got ${describe(name)}.`);
  }
  if (registry !== undefined && !holds(() => registry instanceof Registry)) {
    throw new TypeError(`${fn}: options.registry must be a Registry, got ${describe(registry)}.`);
  }
  if (registry !== undefined && name === undefined) {
    throw new TypeError(`${fn}: options.registry needs options.name, the name to register.`);
  }
  if (scheduler !== undefined && !isScheduler(scheduler)) {
    throw new TypeError(
      `${fn}: options.scheduler must be an rxjs SchedulerLike, got ${describe(scheduler)}.`,
    );
  }
  return read as StartOptions;
}
