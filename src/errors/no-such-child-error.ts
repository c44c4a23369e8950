/**
 * A control request named a child id the supervisor does not have.
 *
 * @example
 * ```ts
 * terminateChild(sup, 'nope').catch((e) => e instanceof NoSuchChildError);
 * ```
 */
export class NoSuchChildError extends Error {
  override readonly name = 'NoSuchChildError';
  /** The unknown id. */
  readonly childId: string;
  constructor(childId: string) {
    super(`Supervisor has no child '${childId}'. Check whichChildren(sup) for the ids it holds.`);
    this.childId = childId;
  }
}
