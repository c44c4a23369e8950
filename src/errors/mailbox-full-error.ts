/**
 * A message met a full bounded mailbox (`mailbox: { bound, overflow }`): with
 * overflow `'reject'` the new message was refused (`send`/`cast` returned
 * `false`, a `call` rejects with this at once); with `'drop-oldest'` the
 * oldest queued message was dropped for it. Either way the message lost is a
 * dead letter whose reason holds this error.
 *
 * @example
 * ```ts
 * call(pid, 'work').catch((e) => e instanceof MailboxFullError && retryLater());
 * ```
 */
export class MailboxFullError extends Error {
  override readonly name = 'MailboxFullError';
  /** The actor, as text. */
  readonly target: string;
  /** Its mailbox bound, in messages. */
  readonly bound: number;
  /** What its mailbox does when full. */
  readonly overflow: 'reject' | 'drop-oldest';
  constructor(target: string, bound: number, overflow: 'reject' | 'drop-oldest') {
    super(
      overflow === 'reject'
        ? `Mailbox of ${target} is full (${bound} messages queued): the message was refused. ` +
            `Send less or slower (send and cast return false when refused), or raise { mailbox: { bound } }.`
        : `Mailbox of ${target} is full (${bound} messages queued): its oldest message was dropped. ` +
            `Send less or slower, or raise { mailbox: { bound } }.`,
    );
    this.target = target;
    this.bound = bound;
    this.overflow = overflow;
  }
}
