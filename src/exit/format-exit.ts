import { describe } from './describe.js';
import { checkReason } from './check-reason.js';
import type { ExitReason } from './exit-reason.js';

/**
 * Formats an exit reason the way logs show it: `normal`, `cancelled`, or
 * `error: <Name>: <message>` for an `Error` (anything else thrown is shown with `String`).
 *
 * @example
 * ```ts
 * formatExit({ kind: 'error', error: new Error('boom') }); // 'error: Error: boom'
 * ```
 */
export function formatExit(reason: ExitReason): string {
  checkReason('formatExit', reason);
  if (reason.kind !== 'error') return reason.kind;
  let error: unknown;
  try {
    error = reason.error;
    return error instanceof Error
      ? `error: ${error.name}: ${error.message}`
      : `error: ${String(error)}`;
  } catch {
    // What was thrown cannot be printed (a hostile Proxy, a throwing toString): name it by its kind.
    return `error: ${describe(error)}`;
  }
}
