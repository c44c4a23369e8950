import { Observable } from 'rxjs';
import type { Address } from '../actor/address.js';
import type { CallOf, ReplyOf, Protocol } from '../actor/protocol.js';
import { checkCall, startCall, type CallOptions } from './start-call.js';

/**
 * `call` as a cold Observable: each subscription sends the request, emits the
 * reply and completes, or errors like `call` rejects. The timeout runs on
 * `options.scheduler`, so it is virtual time under `TestScheduler.run`.
 * Unsubscribing, or aborting `options.signal`, drops the reply.
 *
 * @example
 * ```ts
 * requests$.pipe(concatMap((req) => call$(via(registry, 'db'), req)));
 * ```
 *
 * @typeParam P - The target's protocol, which types the request and the reply.
 */
export function call$<P extends Protocol>(
  target: Address<P>,
  request: CallOf<P>,
  options?: CallOptions,
): Observable<ReplyOf<P>> {
  const checked = checkCall('call$', target, options);
  return new Observable<ReplyOf<P>>((subscriber) => {
    const ref = startCall(
      target,
      request,
      checked,
      (value) => {
        subscriber.next(value);
        subscriber.complete();
      },
      (error) => subscriber.error(error),
    );
    return () => ref.cancel();
  });
}
