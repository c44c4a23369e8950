/**
 * Why an incarnation ended: it finished its work (`normal`), it was stopped
 * from outside or torn down with its parent (`cancelled`), or it crashed
 * (`error`, holding what was thrown).
 *
 * @example
 * ```ts
 * const reason: ExitReason = { kind: 'error', error: new Error('boom') };
 * if (reason.kind === 'error') console.log(reason.error);
 * ```
 */
export type ExitReason =
  | { readonly kind: 'normal' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'error'; readonly error: unknown };

/** @internal The one `normal` reason object. */
export const NORMAL: ExitReason = Object.freeze({ kind: 'normal' });

/** @internal The one `cancelled` reason object. */
export const CANCELLED: ExitReason = Object.freeze({ kind: 'cancelled' });

/** @internal An `error` reason holding `error`. */
export const errorExit = (error: unknown): ExitReason => ({ kind: 'error', error });
