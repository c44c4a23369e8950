import { checkDuration } from '../time/check-duration.js';
import { readFields } from '../check/read-fields.js';

/** @internal The brand of a `next(...)` result: a plain state object is never taken for one. */
export const NEXT_BRAND: unique symbol = Symbol.for('rxotp.next') as never;

/**
 * What `next(result, options)` gives: a handler's result (a state, or
 * `handleCall`'s `{ reply, state }`) with what should happen after it.
 *
 * @example
 * ```ts
 * const later: Next<number> = next(0, { timeout: 5000 });
 * ```
 *
 * @typeParam T - The result it wraps.
 */
export interface Next<T> {
  /** @internal */
  readonly [NEXT_BRAND]: true;
  /** The result the handler would otherwise return. */
  readonly result: T;
  /** The value `handleContinue` gets before any other message, if asked for. */
  readonly continue: unknown;
  /** Whether a continue was asked for. */
  readonly continues: boolean;
  /** The idle timeout in ms (`Infinity`: none). */
  readonly timeout: number;
}

/**
 * What may follow a handler's result.
 *
 * @example
 * ```ts
 * const options: NextOptions = { continue: 'load', timeout: 30_000 };
 * ```
 */
export interface NextOptions {
  /**
   * Runs `handleContinue(value, state, ctx)` right after this result, before
   * any message in the mailbox (OTP's `{continue, C}`). `undefined`: none.
   */
  readonly continue?: unknown;
  /**
   * Sends `{ kind: 'timeout', after }` to `handleInfo` when no message arrives
   * within this many ms on the actor's scheduler; any message cancels it
   * (OTP's idle timeout). `Infinity`: none.
   */
  readonly timeout?: number;
}

/**
 * Wraps a result of `init`, `handleCall`, `handleCast`, `handleInfo` or
 * `handleContinue` with a continue and/or an idle timeout. The result is
 * branded, so no plain state object is ever mistaken for it.
 *
 * @example
 * ```ts
 * const cache = genServer({
 *   init: () => next(new Map<string, string>(), { continue: 'warm' }),
 *   handleContinue: (_c, m) => next(m, { timeout: 60_000 }),
 *   handleInfo: (_msg: TimeoutMessage, m) => (m.clear(), m),
 * });
 * ```
 *
 * @param result - What the handler would otherwise return.
 * @param options - `continue` and/or `timeout`.
 * @typeParam T - The result it wraps.
 */
export function next<T>(result: T, options: NextOptions): Next<T> {
  const read = readFields(
    'next',
    'options',
    options,
    ['continue', 'timeout'],
    '{ continue, timeout }',
  );
  if (read === undefined) {
    throw new TypeError('next: options must be { continue?, timeout? }, got undefined.');
  }
  const timeout = read.timeout === undefined ? Infinity : read.timeout;
  checkDuration('next', 'options.timeout', timeout, 'allowed');
  const continues = read.continue !== undefined;
  return Object.freeze({
    [NEXT_BRAND]: true as const,
    result,
    continue: read.continue,
    continues,
    timeout,
  });
}

/** @internal Whether a handler's result is a `next(...)`. Never throws. */
export function isNext(x: unknown): x is Next<unknown> {
  if (typeof x !== 'object' || x === null) return false;
  try {
    return (x as Record<symbol, unknown>)[NEXT_BRAND] === true;
  } catch {
    return false;
  }
}
