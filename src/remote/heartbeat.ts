import type { SchedulerLike, Subscription } from 'rxjs';

// Node clamps a timer of 2^31 ms or more to 1 ms: a longer interval is waited
// out in steps of at most this, so it is exact over its whole range.
const LONGEST = 2 ** 31 - 1;

/** @internal Runs `tick` every `interval` ms on `scheduler` while it returns `true`. */
export function scheduleHeartbeat(
  scheduler: SchedulerLike,
  interval: number,
  tick: () => boolean,
): Subscription {
  const first = Math.min(interval, LONGEST);
  let remaining = interval - first;
  return scheduler.schedule(function () {
    if (remaining > 0) {
      const step = Math.min(remaining, LONGEST);
      remaining -= step;
      this.schedule(undefined, step);
      return;
    }
    if (!tick()) return;
    remaining = interval - first;
    this.schedule(undefined, first);
  }, first);
}
