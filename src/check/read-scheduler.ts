import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { isScheduler } from './is-scheduler.js';
import { mustBe } from './must-be.js';

/**
 * @internal An `options.scheduler` field read once: `asyncScheduler` when left
 * out, else checked to be an rxjs `SchedulerLike` (a `TypeError` naming `fn`
 * and the fix otherwise).
 *
 * @example
 * ```ts
 * const scheduler = readScheduler('linkPair', fields?.scheduler);
 * ```
 */
export function readScheduler(fn: string, value: unknown): SchedulerLike {
  if (value === undefined) return asyncScheduler;
  if (!isScheduler(value)) {
    throw mustBe(
      fn,
      'options.scheduler',
      'an rxjs SchedulerLike (asyncScheduler, a TestScheduler)',
      value,
    );
  }
  return value as SchedulerLike;
}
