import { isObservable, type Observable } from 'rxjs';
import { enter, leave } from '../mailbox/run-queue.js';

/** @internal Whether a handler returned a Promise or an Observable to wait for. */
export function isAsync(r: unknown): r is PromiseLike<unknown> | Observable<unknown> {
  return (
    typeof r === 'object' &&
    r !== null &&
    (typeof (r as PromiseLike<unknown>).then === 'function' || isObservable(r))
  );
}

/**
 * @internal Waits for a Promise's value or an Observable's last value. An
 * Observable that completes with no value calls `onEmpty`. The callbacks run
 * as rxotp callbacks (sends made in them are queued). Returns an abort function.
 */
export function awaitResult(
  r: PromiseLike<unknown> | Observable<unknown>,
  onValue: (value: unknown) => void,
  onError: (error: unknown) => void,
  onEmpty: () => void,
): () => void {
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
  let live = true;
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
  r.then(guarded(onValue), guarded(onError));
  return () => {
    live = false;
  };
}
