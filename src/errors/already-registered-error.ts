/**
 * A name is held by a live pid (or reserved for a supervised child's restart).
 *
 * @example
 * ```ts
 * registry.register('db', a);
 * try { registry.register('db', b); } catch (e) { e instanceof AlreadyRegisteredError; }
 * ```
 */
export class AlreadyRegisteredError extends Error {
  override readonly name = 'AlreadyRegisteredError';
  /** The contested name. */
  readonly registeredName: string;
  /** The holder, as text. */
  readonly holder: string;
  constructor(registeredName: string, holder: string) {
    super(
      `Name '${registeredName}' is already held by ${holder}. ` +
        `Unregister it first, or pick another name.`,
    );
    this.registeredName = registeredName;
    this.holder = holder;
  }
}
