/**
 * A `call` got no reply within its timeout. A reply that arrives later is dropped.
 *
 * @example
 * ```ts
 * call(pid, 'slow', { timeout: 100 }).catch((e) => e instanceof CallTimeoutError);
 * ```
 */
export class CallTimeoutError extends Error {
  override readonly name = 'CallTimeoutError';
  /** The target, as text. */
  readonly target: string;
  /** The timeout that elapsed, in ms. */
  readonly timeout: number;
  constructor(target: string, timeout: number) {
    super(
      `Call to ${target} got no reply within ${timeout} ms. ` +
        `Raise { timeout } or make the handler reply sooner (ctx.reply for deferred replies).`,
    );
    this.target = target;
    this.timeout = timeout;
  }
}
