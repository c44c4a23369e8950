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
  /**
   * For a `via` name: `true` when no supervisor has ever registered that name
   * in the registry (a tree not subscribed yet, or a misspelt name).
   */
  readonly neverSupervised: boolean;
  /** @param neverSupervised The target is a name no supervisor has used in its registry. */
  constructor(target: string, neverSupervised = false) {
    super(
      neverSupervised
        ? `No process at ${target}: no supervisor has ever registered that name in this registry. ` +
            `Is its supervisor subscribed? Check the name and that the tree using this registry runs.`
        : `No process at ${target}: it has exited or was never started. ` +
            `Use a live pid, or a via() name that a supervisor keeps registered.`,
    );
    this.target = target;
    this.neverSupervised = neverSupervised;
  }
}
