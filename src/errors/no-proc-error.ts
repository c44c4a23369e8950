/**
 * The target of a `call`, `register` or control request is not alive: a dead
 * pid, or a name that is neither registered nor waiting for a restart.
 *
 * @example
 * ```ts
 * call(deadPid, 'ping').catch((e) => e instanceof NoProcError); // true
 * ```
 */
export class NoProcError extends Error {
  override readonly name = 'NoProcError';
  /** The target, as text (`<pid 3>` or `via 'db'`). */
  readonly target: string;
  constructor(target: string) {
    super(
      `No process at ${target}: it has exited or was never started. ` +
        `Use a live pid, or a via() name that a supervisor keeps registered.`,
    );
    this.target = target;
  }
}
