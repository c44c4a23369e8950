/** @internal Throws unless `reason` is an `ExitReason`. */
export function checkReason(fn: string, reason: unknown): void {
  const kind = (reason as { kind?: unknown } | null)?.kind;
  if (kind !== 'normal' && kind !== 'cancelled' && kind !== 'error') {
    throw new TypeError(
      `${fn}: reason must be an ExitReason ({ kind: 'normal' | 'cancelled' } or { kind: 'error', error }).`,
    );
  }
}
