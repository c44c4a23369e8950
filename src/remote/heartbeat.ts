import type { SchedulerLike, Subscription } from 'rxjs';
import { scheduleEvery } from '../time/schedule-every.js';

/**
 * @internal Runs `tick` every `interval` ms on `scheduler` while it returns
 * `true`; exact over the whole range of `interval` (see `scheduleAfter`).
 */
export function scheduleHeartbeat(
  scheduler: SchedulerLike,
  interval: number,
  tick: () => boolean,
): Subscription {
  const beats: Subscription = scheduleEvery(scheduler, interval, () => {
    if (!tick()) beats.unsubscribe();
  });
  return beats;
}
