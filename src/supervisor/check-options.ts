import { holds } from '../check/holds.js';
import { isScheduler } from '../check/is-scheduler.js';
import { readFields } from '../check/read-fields.js';
import { Registry } from '../registry/registry.js';
import type { BackoffOptions, SuperviseOptions } from './options.js';
import { mustBe } from '../check/must-be.js';

const STRATEGIES = ['one_for_one', 'one_for_all', 'rest_for_one'];
const AUTO = ['never', 'any_significant', 'all_significant'];
const KEYS = [
  'strategy',
  'intensity',
  'period',
  'registry',
  'backoff',
  'scheduler',
  'maxChildren',
  'autoShutdown',
  'holdBound',
  'name',
] as const;
const BACKOFF_KEYS = ['min', 'max', 'factor', 'jitter', 'resetAfter', 'random'] as const;

/**
 * @internal Reads and checks supervisor options once; throws a
 * `TypeError`/`RangeError` naming the function, the option and the fix.
 * Returns the checked copy, which is what the supervisor uses.
 */
export function checkOptions(fn: string, options: unknown): SuperviseOptions {
  const read = readFields(fn, 'options', options, KEYS, '{ intensity: 3, period: 5000 }') ?? {};
  const {
    strategy,
    intensity,
    period,
    registry,
    backoff: rawBackoff,
    scheduler,
    maxChildren,
    autoShutdown,
    holdBound,
    name,
  } = read;
  const range = (field: string, ok: boolean, want: string, got: unknown): void => {
    if (!ok) {
      throw mustBe(fn, field, want, got, typeof got === 'number');
    }
  };
  if (strategy !== undefined && !STRATEGIES.includes(strategy as string)) {
    throw mustBe(fn, 'strategy', "'one_for_one', 'one_for_all' or 'rest_for_one'", strategy);
  }
  if (intensity !== undefined)
    range('intensity', typeof intensity === 'number' && intensity >= 0, 'a number >= 0', intensity);
  if (period !== undefined)
    range('period', typeof period === 'number' && period > 0, 'a number of ms > 0', period);
  if (registry !== undefined && !holds(() => registry instanceof Registry)) {
    throw mustBe(fn, 'registry', 'a Registry', registry);
  }
  if (scheduler !== undefined && !isScheduler(scheduler)) {
    throw mustBe(fn, 'scheduler', 'an rxjs SchedulerLike', scheduler);
  }
  if (maxChildren !== undefined) {
    range(
      'maxChildren',
      typeof maxChildren === 'number' && maxChildren >= 0,
      'a number >= 0',
      maxChildren,
    );
  }
  if (holdBound !== undefined) {
    range('holdBound', typeof holdBound === 'number' && holdBound >= 0, 'a number >= 0', holdBound);
  }
  if (autoShutdown !== undefined && !AUTO.includes(autoShutdown as string)) {
    throw mustBe(
      fn,
      'autoShutdown',
      "'never', 'any_significant' or 'all_significant'",
      autoShutdown,
    );
  }
  if (name !== undefined && typeof name !== 'string') throw mustBe(fn, 'name', 'a string', name);
  const checked = { ...read } as SuperviseOptions & { backoff?: unknown };
  if (rawBackoff === undefined || typeof rawBackoff === 'function') return checked;
  const backoff = readFields(
    fn,
    'backoff',
    rawBackoff,
    BACKOFF_KEYS,
    '{ min: 100, max: 10_000 } (or a function (childId, k) => ms)',
  )!;
  const { min, max, factor, jitter, resetAfter, random } = backoff;
  range(
    'backoff.min',
    typeof min === 'number' && min >= 0 && min < Infinity,
    'a finite number of ms >= 0',
    min,
  );
  range(
    'backoff.max',
    typeof max === 'number' && max >= (min as number),
    'a number of ms >= backoff.min (Infinity: no cap)',
    max,
  );
  if (factor !== undefined)
    range('backoff.factor', typeof factor === 'number' && factor >= 1, 'a number >= 1', factor);
  if (jitter !== undefined) {
    range(
      'backoff.jitter',
      typeof jitter === 'number' && jitter >= 0 && jitter <= 1,
      'a fraction in [0, 1]',
      jitter,
    );
  }
  if (resetAfter !== undefined) {
    range(
      'backoff.resetAfter',
      typeof resetAfter === 'number' && resetAfter >= 0,
      'a number of ms >= 0',
      resetAfter,
    );
  }
  if (random !== undefined && typeof random !== 'function') {
    throw new TypeError(`${fn}: backoff.random must be a function returning a number in [0, 1).`);
  }
  return { ...checked, backoff: backoff as unknown as BackoffOptions };
}
