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
  if (reason.kind !== 'error') return reason.kind;
  const { error } = reason;
  return error instanceof Error
    ? `error: ${error.name}: ${error.message}`
    : `error: ${String(error)}`;
}
