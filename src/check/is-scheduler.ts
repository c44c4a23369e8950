import { holds } from './holds.js';

/**
 * @internal Whether `x` looks like an rxjs `SchedulerLike` (`schedule` and
 * `now` functions); never throws.
 *
 * @example
 * ```ts
 * if (!isScheduler(options.scheduler)) throw new TypeError('...');
 * ```
 */
export function isScheduler(x: unknown): boolean {
  return holds(
    () =>
      typeof x === 'object' &&
      x !== null &&
      typeof (x as { schedule?: unknown }).schedule === 'function' &&
      typeof (x as { now?: unknown }).now === 'function',
  );
}
