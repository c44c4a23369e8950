/**
 * The reason on a dead letter sent through a name that was waiting for its
 * restart while already holding `bound` messages.
 *
 * @example
 * ```ts
 * deadLetters$.subscribe((d) => d.reason.kind === 'error' && d.reason.error instanceof HoldOverflowError);
 * ```
 */
export class HoldOverflowError extends Error {
  override readonly name = 'HoldOverflowError';
  /** The name. */
  readonly registeredName: string;
  /** The supervisor's `holdBound`. */
  readonly bound: number;
  constructor(registeredName: string, bound: number) {
    super(
      `Name '${registeredName}' is waiting for a restart and already holds ${bound} messages. ` +
        `Raise the supervisor's { holdBound } or send less while it restarts.`,
    );
    this.registeredName = registeredName;
    this.bound = bound;
  }
}
