import type { Subscription } from 'rxjs';

/** A method's parameter, compared both ways: a `CallRef` can be stored and passed on freely. */
type Replies<R> = { accept(value: R): void }['accept'];

/**
 * The caller's side of one `call`: `handleCall` receives it as `from`, and a
 * deferred reply goes through `ctx.reply(from, value)`. It settles once; a
 * reply after a timeout or after the caller went away is dropped quietly.
 *
 * @example
 * ```ts
 * handleCall(req, from, state, ctx) {
 *   ctx.sendAfter(10, { answer: from });
 *   return { noreply: true, state };
 * }
 * ```
 *
 * @typeParam R - What the caller awaits: the reply type of the call.
 */
export class CallRef<R = unknown> {
  /** The request. */
  readonly request: unknown;
  /** @internal */
  done = false;
  /** @internal The incarnation that deferred its reply, if one did. */
  owner: { paid(ref: CallRef): void } | null = null;
  /** @internal The timeout, once scheduled. */
  timer: Subscription | null = null;
  /** @internal Removes the abort listener, once one is added. */
  unlisten: (() => void) | null = null;
  /** @internal Type-level only: what the reply must be (`ctx.reply` reads it). */
  declare readonly replyType?: Replies<R>;
  readonly #onReply: (value: unknown) => void;
  readonly #onError: (error: unknown) => void;

  /** @internal */
  constructor(
    request: unknown,
    onReply: (value: unknown) => void,
    onError: (error: unknown) => void,
  ) {
    this.request = request;
    this.#onReply = onReply;
    this.#onError = onError;
  }

  /** @internal Delivers the reply, once. */
  resolve(value: unknown): void {
    if (this.#settle()) this.#onReply(value);
  }

  /** @internal Fails the call, once. */
  reject(error: unknown): void {
    if (this.#settle()) this.#onError(error);
  }

  /** @internal The caller went away: drop whatever comes. */
  cancel(): void {
    this.#settle();
  }

  /** Marks the call done, once: whoever owed the reply is paid and the timeout stops. */
  #settle(): boolean {
    if (this.done) return false;
    this.owner?.paid(this);
    this.done = true;
    this.timer?.unsubscribe();
    if (this.unlisten !== null) this.unlisten();
    return true;
  }
}
