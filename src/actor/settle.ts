import { isObservable, type Observable } from 'rxjs';
import { enter, leave } from '../mailbox/run-queue.js';

/** @internal Whether a handler returned a Promise or an Observable to wait for. */
export function isAsync(r: unknown): r is PromiseLike<unknown> | Observable<unknown> {
  if (typeof r !== 'object' || r === null) return false;
  // Duck-typed, as rxjs's own isObservable does, but without its instanceof walk:
  // this runs on every handler result.
  const x = r as { then?: unknown; subscribe?: unknown; lift?: unknown };
  return (
    typeof x.then === 'function' ||
    (typeof x.subscribe === 'function' && typeof x.lift === 'function')
  );
}

/**
 * @internal Waits for a Promise's value or an Observable's last value. An
 * Observable that completes with no value calls `onEmpty`. The callbacks run
 * as rxotp callbacks (sends made in them are queued). Returns an abort
 * function: an Observable is unsubscribed; a Promise cannot be stopped, so its
 * value is ignored and a later rejection goes to `onLateError` (a report).
 */
export function awaitResult(
  r: PromiseLike<unknown> | Observable<unknown>,
  onValue: (value: unknown) => void,
  onError: (error: unknown) => void,
  onEmpty: () => void,
  onLateError: (error: unknown) => void,
): () => void {
  let live = true;
  const guarded =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      if (!live) return;
      live = false;
      enter();
      try {
        fn(...args);
      } finally {
        leave();
      }
    };
  if (isObservable(r)) {
    let last: unknown;
    let has = false;
    const subscription = r.subscribe({
      next: (v) => {
        last = v;
        has = true;
      },
      error: guarded(onError),
      complete: guarded(() => (has ? onValue(last) : onEmpty())),
    });
    return () => {
      live = false;
      subscription.unsubscribe();
    };
  }
  r.then(guarded(onValue), (error: unknown) =>
    live ? guarded(onError)(error) : onLateError(error),
  );
  return () => {
    live = false;
  };
}
