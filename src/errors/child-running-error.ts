/**
 * `restartChild` or `deleteChild` on a child that is running (or about to be restarted).
 *
 * @example
 * ```ts
 * deleteChild(sup, 'db').catch((e) => e instanceof ChildRunningError); // terminateChild first
 * ```
 */
export class ChildRunningError extends Error {
  override readonly name = 'ChildRunningError';
  /** The child's id. */
  readonly childId: string;
  constructor(childId: string, operation: string) {
    super(`Cannot ${operation} child '${childId}': it is running. Call terminateChild first.`);
    this.childId = childId;
  }
}
