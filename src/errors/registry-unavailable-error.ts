/**
 * A cluster registry could not record a name in its bucket (JetStream had no
 * leader, or the connection was lost) within its retries. The registration is
 * undone: the pid exits with this error (or its `claim` rejects with it).
 *
 * @example
 * ```ts
 * node.registry.claim('db', pid).catch((e) => e instanceof RegistryUnavailableError);
 * ```
 */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
  /** The name that could not be recorded. */
  readonly registeredName: string;
  constructor(registeredName: string, cause: string) {
    super(
      `The cluster registry could not record '${registeredName}' (${cause}). ` +
        `Check that JetStream is enabled and has a leader, then register again.`,
    );
    this.registeredName = registeredName;
  }
}
