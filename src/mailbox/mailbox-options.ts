import { readFields } from '../check/read-fields.js';
import { mustBe } from '../check/must-be.js';

/**
 * A bounded mailbox (opt-in; unbounded is the default, as in OTP). When
 * `bound` messages are queued, one more is refused (`'reject'`: `send` and
 * `cast` return `false`, a `call` rejects at once with `MailboxFullError`) or
 * takes the place of the oldest (`'drop-oldest'`); the message lost is a dead
 * letter. Messages handled at once, by an idle actor, never count.
 *
 * @example
 * ```ts
 * spawn(worker, args, { mailbox: { bound: 1000, overflow: 'reject' } });
 * ```
 */
export interface MailboxOptions {
  /** The most messages that may wait, a whole number >= 1 (`Infinity`: unbounded). */
  readonly bound: number;
  /** What a full mailbox does with one more message (default `'reject'`). */
  readonly overflow?: 'reject' | 'drop-oldest';
}

/**
 * @internal Reads and checks a `mailbox` option on behalf of `fn`; throws a
 * `TypeError`/`RangeError` naming it and the fix. Returns the checked copy.
 */
export function checkMailbox(fn: string, value: unknown): MailboxOptions | undefined {
  const like = "{ bound: 1000, overflow: 'reject' }";
  const read = readFields(fn, 'mailbox', value, ['bound', 'overflow'], like);
  if (read === undefined) return undefined;
  const { bound, overflow } = read;
  if (
    typeof bound !== 'number' ||
    !(bound >= 1) ||
    (bound !== Infinity && !Number.isInteger(bound))
  ) {
    throw mustBe(
      fn,
      'mailbox.bound',
      'a whole number of messages >= 1 (or Infinity)',
      bound,
      typeof bound === 'number',
    );
  }
  if (overflow !== undefined && overflow !== 'reject' && overflow !== 'drop-oldest') {
    throw mustBe(fn, 'mailbox.overflow', "'reject' or 'drop-oldest'", overflow);
  }
  return { bound, overflow: overflow ?? 'reject' };
}
