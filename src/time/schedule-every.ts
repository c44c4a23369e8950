import { Subscription, type SchedulerLike } from 'rxjs';
import { scheduleAfter } from './schedule-after.js';

/**
 * @internal Runs `work` every `ms` (> 0) on `scheduler`, each period exact
 * however long (see `scheduleAfter`), until the result is unsubscribed.
 * `Infinity` never runs it. Each run is scheduled from the end of the last.
 *
 * @example
 * ```ts
 * const poll = scheduleEvery(asyncScheduler, 1000, refresh);
 * poll.unsubscribe();
 * ```
 */
export function scheduleEvery(
  scheduler: SchedulerLike,
  ms: number,
  work: () => void,
): Subscription {
  let pending: Subscription | null = null;
  const outer = new Subscription(() => pending?.unsubscribe());
  const arm = (): void => {
    pending = scheduleAfter(scheduler, ms, () => {
      if (outer.closed) return;
      arm();
      work();
    });
  };
  arm();
  return outer;
}
