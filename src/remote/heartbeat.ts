import type { SchedulerLike, Subscription } from 'rxjs';

/** @internal Runs `tick` every `interval` ms on `scheduler` while it returns `true`. */
export function scheduleHeartbeat(
  scheduler: SchedulerLike,
  interval: number,
  tick: () => boolean,
): Subscription {
  return scheduler.schedule(function () {
    if (tick()) this.schedule(undefined, interval);
  }, interval);
}
