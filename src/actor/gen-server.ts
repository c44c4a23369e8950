import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { Registry } from '../registry/registry.js';
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

const HANDLERS = ['handleCall', 'handleCast', 'handleInfo', 'terminate'] as const;

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
  if (typeof behavior !== 'object' || behavior === null) {
    throw new TypeError('genServer: behavior must be an object with at least an init function.');
  }
  if (typeof behavior.init !== 'function') {
    throw new TypeError(
      'genServer: behavior.init must be a function (args, ctx) => initial state.',
    );
  }
  for (const handler of HANDLERS) {
    const fn: unknown = (behavior as unknown as Record<string, unknown>)[handler];
    if (fn !== undefined && typeof fn !== 'function') {
      throw new TypeError(
        `genServer: behavior.${handler} must be a function or left out, got ${typeof fn}.`,
      );
    }
  }
  const any = behavior as unknown as AnyBehavior;
  const boot = (
    args: A,
    options: StartOptions | undefined,
    sink: Sink | null,
  ): GenServerProcess => {
    const { name, registry, scheduler = asyncScheduler } = options ?? {};
    return new GenServerProcess(any, args, sink, scheduler, name, registry).boot();
  };
  return {
    behavior: behavior,
    boot,
    start(args, options) {
      checkStartOptions('start', options);
      return lifecycleStream<Lifecycle>('worker', (sink) =>
        boot(args, options, sink),
      ) as Observable<Lifecycle<{ call: C; reply: R; cast: K; info: I }>>;
    },
  };
}

/** @internal */
export function checkStartOptions(fn: string, options: StartOptions | undefined): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${fn}: options must be an object like { name, registry, scheduler }.`);
  }
  const { name, registry, scheduler } = options;
  if (name !== undefined && typeof name !== 'string') {
    throw new TypeError(`${fn}: options.name must be a string, got ${typeof name}.`);
  }
  if (registry !== undefined && !(registry instanceof Registry)) {
    throw new TypeError(`${fn}: options.registry must be a Registry.`);
  }
  if (registry !== undefined && name === undefined) {
    throw new TypeError(`${fn}: options.registry needs options.name, the name to register.`);
  }
  if (scheduler !== undefined && typeof scheduler?.schedule !== 'function') {
    throw new TypeError(`${fn}: options.scheduler must be an rxjs SchedulerLike.`);
  }
}
