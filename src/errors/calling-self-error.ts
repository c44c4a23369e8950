/**
 * A `call` or `call$` to the caller's own pid, directly or through a `via`
 * name that resolves to it (OTP's `calling_self`). The actor's mailbox is held
 * while its handler runs, so the request could only be answered after the
 * handler returns: a deadlock. The call fails at once instead.
 *
 * @example
 * ```ts
 * handleCast(_msg, state, ctx) {
 *   call(ctx.self, 'get').catch((e) => e instanceof CallingSelfError); // true
 *   return state;
 * }
 * ```
 */
export class CallingSelfError extends Error {
  override readonly name = 'CallingSelfError';
  /** The caller, as text (`<pid 3>`). */
  readonly target: string;
  /** The address as given (`<pid 3>` or `via 'db'`). */
  readonly address: string;
  constructor(target: string, address: string) {
    const through = address === target ? '' : ` (through ${address})`;
    super(
      `${target} called itself${through}: its mailbox is held while the handler runs, so the ` +
        `call would deadlock. Use the state directly, cast to yourself, or call another actor.`,
    );
    this.target = target;
    this.address = address;
  }
}
