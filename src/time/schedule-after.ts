import { Subscription, type SchedulerLike } from 'rxjs';

/**
 * @internal The longest delay a timer takes as asked: Node (like browsers)
 * clamps a timer of 2^31 ms or more to 1 ms, so it would fire at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * @internal Runs `work` once, `ms` after now on `scheduler`, exactly when
 * asked however long that is: a delay above `MAX_TIMER_MS` is scheduled in
 * chunks on the same scheduler, each chunk measured against the scheduler's
 * own clock, so virtual time under `TestScheduler` sees it fire at `ms` and
 * not before. `Infinity` never fires. The caller checks `ms` (a number >= 0).
 * Unsubscribing the result cancels whichever chunk is pending.
 *
 * @example
 * ```ts
 * const timer = scheduleAfter(asyncScheduler, 3e9, () => console.log('in 35 days'));
 * timer.unsubscribe();
 * ```
 */
export function scheduleAfter(
  scheduler: SchedulerLike,
  ms: number,
  work: () => void,
): Subscription {
  if (ms <= MAX_TIMER_MS) return scheduler.schedule(work, ms);
  const outer = new Subscription();
  if (ms === Infinity) return outer;
  const due = scheduler.now() + ms;
  let pending: Subscription | null = null;
  const step = (): void => {
    const left = due - scheduler.now();
    if (left > 0) {
      pending = scheduler.schedule(step, Math.min(left, MAX_TIMER_MS));
      return;
    }
    pending = null;
    try {
      work();
    } finally {
      outer.unsubscribe();
    }
  };
  pending = scheduler.schedule(step, MAX_TIMER_MS);
  outer.add(() => pending?.unsubscribe());
  return outer;
}
