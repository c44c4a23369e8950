/**
 * A behavior broke its contract: a missing handler for a message that arrived,
 * a `handleCall` result that is not `{ reply, state }` / `{ noreply: true, state }`,
 * or an Observable handler that completed without a value. It crashes the actor.
 *
 * @example
 * ```ts
 * // a genServer without handleCast, sent a cast, exits with
 * // { kind: 'error', error: HandlerError { handler: 'handleCast' } }
 * ```
 */
export class HandlerError extends Error {
  override readonly name = 'HandlerError';
  /** The actor, as text. */
  readonly target: string;
  /** The handler at fault (`init`, `handleCall`, ...). */
  readonly handler: string;
  constructor(target: string, handler: string, problem: string) {
    super(`${handler} of ${target} ${problem}`);
    this.target = target;
    this.handler = handler;
  }
}
