import { Registry } from '../registry/registry.js';
import type { SuperviseOptions } from './options.js';

const STRATEGIES = ['one_for_one', 'one_for_all', 'rest_for_one'];
const AUTO = ['never', 'any_significant', 'all_significant'];

/** @internal Throws a `TypeError`/`RangeError` naming the option and the fix, unless `options` are valid. */
export function checkOptions(fn: string, options: SuperviseOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${fn}: options must be an object like { intensity: 3, period: 5000 }.`);
  }
  const {
    strategy,
    intensity,
    period,
    registry,
    backoff,
    scheduler,
    maxChildren,
    autoShutdown,
    holdBound,
    name,
  } = options;
  const range = (field: string, ok: boolean, want: string, got: unknown): void => {
    if (!ok) throw new RangeError(`${fn}: ${field} must be ${want}, got ${String(got)}.`);
  };
  if (strategy !== undefined && !STRATEGIES.includes(strategy)) {
    throw new TypeError(
      `${fn}: strategy must be 'one_for_one', 'one_for_all' or 'rest_for_one', got ${String(strategy)}.`,
    );
  }
  if (intensity !== undefined)
    range('intensity', typeof intensity === 'number' && intensity >= 0, 'a number >= 0', intensity);
  if (period !== undefined)
    range('period', typeof period === 'number' && period > 0, 'a number of ms > 0', period);
  if (registry !== undefined && !(registry instanceof Registry)) {
    throw new TypeError(`${fn}: registry must be a Registry.`);
  }
  if (scheduler !== undefined && typeof scheduler?.schedule !== 'function') {
    throw new TypeError(`${fn}: scheduler must be an rxjs SchedulerLike.`);
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
  if (autoShutdown !== undefined && !AUTO.includes(autoShutdown)) {
    throw new TypeError(
      `${fn}: autoShutdown must be 'never', 'any_significant' or 'all_significant', got ${String(autoShutdown)}.`,
    );
  }
  if (name !== undefined && typeof name !== 'string')
    throw new TypeError(`${fn}: name must be a string.`);
  if (backoff === undefined || typeof backoff === 'function') return;
  if (typeof backoff !== 'object' || backoff === null) {
    throw new TypeError(
      `${fn}: backoff must be { min, max, factor?, jitter?, resetAfter? } or a function.`,
    );
  }
  const { min, max, factor, jitter, resetAfter, random } = backoff;
  range('backoff.min', typeof min === 'number' && min >= 0, 'a number of ms >= 0', min);
  range('backoff.max', typeof max === 'number' && max >= min, 'a number of ms >= backoff.min', max);
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
}
