import { describe } from '../exit/describe.js';
import { readFields } from '../check/read-fields.js';

/**
 * @internal The heartbeat options of `connectNode` and `joinCluster`, read
 * once, checked and with their defaults: a finite interval > 0 ms (exact over
 * its whole range) and a whole number of missed intervals >= 1.
 */
export function checkHeartbeat(
  fn: string,
  heartbeat: unknown,
): { readonly interval: number; readonly missed: number } {
  const fields = readFields(
    fn,
    'options.heartbeat',
    heartbeat,
    ['interval', 'missed'],
    '{ interval: 1000, missed: 3 }',
  );
  const { interval = 1000, missed = 3 } = fields ?? {};
  if (typeof interval !== 'number' || !(interval > 0) || interval === Infinity) {
    throw new RangeError(
      `${fn}: options.heartbeat.interval must be a finite number of ms > 0 (default 1000), got ${describe(interval)}.`,
    );
  }
  if (typeof missed !== 'number' || !Number.isInteger(missed) || missed < 1) {
    throw new RangeError(
      `${fn}: options.heartbeat.missed must be a whole number >= 1 (default 3), got ${describe(missed)}.`,
    );
  }
  return { interval, missed };
}
