/**
 * @internal The heartbeat options of `connectNode` and `joinCluster`, checked
 * and with their defaults: a finite interval > 0 ms and a whole number of
 * missed intervals >= 1.
 */
export function checkHeartbeat(
  fn: string,
  heartbeat: unknown,
): { readonly interval: number; readonly missed: number } {
  if (heartbeat === undefined) return { interval: 1000, missed: 3 };
  if (typeof heartbeat !== 'object' || heartbeat === null) {
    throw new TypeError(`${fn}: heartbeat must be an object like { interval: 1000, missed: 3 }.`);
  }
  const { interval = 1000, missed = 3 } = heartbeat as { interval?: unknown; missed?: unknown };
  if (typeof interval !== 'number' || !(interval > 0) || interval === Infinity) {
    throw new RangeError(
      `${fn}: heartbeat.interval must be a finite number of ms > 0 (default 1000), got ${describe(interval)}.`,
    );
  }
  if (typeof missed !== 'number' || !Number.isInteger(missed) || missed < 1) {
    throw new RangeError(
      `${fn}: heartbeat.missed must be a whole number >= 1 (default 3), got ${describe(missed)}.`,
    );
  }
  return { interval, missed };
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value;
}
