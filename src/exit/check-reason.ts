import { describe } from './describe.js';
import type { ExitReason } from './exit-reason.js';

/**
 * @internal Throws a `TypeError` naming `fn` unless `reason` is an
 * `ExitReason`; never lets a getter or Proxy trap's error out.
 */
export function checkReason(fn: string, reason: unknown): asserts reason is ExitReason {
  let kind: unknown;
  try {
    kind = (reason as { kind?: unknown } | null)?.kind;
  } catch {
    kind = undefined;
  }
  if (kind !== 'normal' && kind !== 'cancelled' && kind !== 'error') {
    throw new TypeError(
      `${fn}: reason must be an ExitReason ({ kind: 'normal' | 'cancelled' } or { kind: 'error', error }), got ${describe(reason)}.`,
    );
  }
}
