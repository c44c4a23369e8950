import type { BackoffFunction, BackoffOptions } from './options.js';

/** @internal The delay before the k-th consecutive restart (k >= 1) of `childId`. */
export function backoffDelay(
  backoff: BackoffOptions | BackoffFunction,
  childId: string,
  k: number,
): number {
  if (typeof backoff === 'function') {
    const delay = backoff(childId, k);
    if (typeof delay !== 'number' || !(delay >= 0)) {
      throw new RangeError(
        `backoff function returned ${String(delay)} for child '${childId}'; return ms >= 0.`,
      );
    }
    return delay;
  }
  const { min, max, factor = 2, jitter = 0, random = Math.random } = backoff;
  const base = Math.min(max, min * Math.pow(factor, k - 1));
  return jitter === 0 ? base : base * (1 - jitter + 2 * jitter * random());
}

/** @internal How long a child must run for its backoff count to reset. */
export const backoffResetAfter = (backoff: BackoffOptions | BackoffFunction): number =>
  typeof backoff === 'function' ? Infinity : (backoff.resetAfter ?? backoff.max);
