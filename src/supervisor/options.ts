import type { SchedulerLike } from 'rxjs';
import type { Registry } from '../registry/registry.js';

/**
 * Delay between a child's exit and its restart. The k-th consecutive restart
 * of a child waits `min(max, min * factor^(k-1))` ms times a random factor in
 * `[1 - jitter, 1 + jitter]`; k resets once the child has run `resetAfter` ms.
 *
 * @example
 * ```ts
 * oneForOne({ backoff: { min: 100, max: 10_000, jitter: 0.2 } });
 * ```
 */
export interface BackoffOptions {
  /** The first delay, in ms. */
  readonly min: number;
  /** The cap, in ms. */
  readonly max: number;
  /** Growth per consecutive restart (default 2). */
  readonly factor?: number;
  /** A fraction in [0, 1] (default 0). */
  readonly jitter?: number;
  /** How long a child must run for k to reset, in ms (default `max`). */
  readonly resetAfter?: number;
  /** The random source for jitter, in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
}

/**
 * A custom delay: given the child's id and k (1 for its first consecutive
 * restart), the delay in ms. A throw is reported and the restart goes ahead at once.
 *
 * @example
 * ```ts
 * oneForOne({ backoff: (_id, k) => k * 100 });
 * ```
 */
export type BackoffFunction = (childId: string, k: number) => number;

/**
 * How a supervisor restarts its children.
 *
 * @example
 * ```ts
 * const strategy: Strategy = 'one_for_all';
 * ```
 */
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

/**
 * Options of `oneForOne`, `oneForAll`, `restForOne` and `supervise`.
 *
 * @example
 * ```ts
 * oneForOne({ intensity: 5, period: 10_000, registry });
 * ```
 */
export interface SupervisorOptions {
  /** Restarts allowed within `period` (default 3; 0 gives up on the first; `Infinity` never gives up). */
  readonly intensity?: number;
  /** The intensity window, in ms (default 5000). */
  readonly period?: number;
  /** Where children's names are registered (default: a fresh registry per incarnation, on `started`). */
  readonly registry?: Registry;
  /** Delay before restarts (default none). */
  readonly backoff?: BackoffOptions | BackoffFunction;
  /** All its time: intensity window, backoff, shutdown timeouts (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
  /** Specs beyond this many are refused (default `Infinity`). */
  readonly maxChildren?: number;
  /** Whether significant children's exits end the supervisor (default `'never'`). */
  readonly autoShutdown?: 'never' | 'any_significant' | 'all_significant';
  /** Messages held per name while its child is down (default 1000); more go to dead letters. */
  readonly holdBound?: number;
  /** A label for the supervisor's pid. */
  readonly name?: string;
}

/**
 * `supervise` takes the strategy among the options.
 *
 * @example
 * ```ts
 * supervise(specs, { strategy: 'rest_for_one', intensity: 1 });
 * ```
 */
export interface SuperviseOptions extends SupervisorOptions {
  /** Default `'one_for_one'`. */
  readonly strategy?: Strategy;
}
