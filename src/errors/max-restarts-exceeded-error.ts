/**
 * A supervisor gave up: more than `intensity` restarts within `period` ms. It
 * is the `error` in the supervisor's exit reason, so its own parent decides.
 *
 * @example
 * ```ts
 * if (n.kind === 'exit' && n.reason.kind === 'error' && n.reason.error instanceof MaxRestartsExceededError)
 *   console.log(n.reason.error.childId);
 * ```
 */
export class MaxRestartsExceededError extends Error {
  override readonly name = 'MaxRestartsExceededError';
  /** The child whose exit asked for the restart that was one too many. */
  readonly childId: string;
  /** Restarts counted within the window, the refused one included. */
  readonly restarts: number;
  /** The window, in ms. */
  readonly period: number;
  constructor(childId: string, restarts: number, period: number) {
    super(
      `Supervisor gave up after child '${childId}' needed restart number ${restarts} within ${period} ms. ` +
        `Fix the crash, or raise { intensity, period } or add { backoff }.`,
    );
    this.childId = childId;
    this.restarts = restarts;
    this.period = period;
  }
}
