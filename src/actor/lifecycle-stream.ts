import { Observable } from 'rxjs';
import type { Process, Sink } from './process.js';

/** @internal The brand on rxotp's own lifecycle streams, shared by every copy of rxotp. */
const LIFECYCLE = Symbol.for('rxotp.lifecycle');

/** @internal How to start an incarnation without an rxjs subscription. */
export interface Booter {
  readonly type: 'worker' | 'supervisor';
  boot(sink: Sink<unknown>): Process<unknown>;
}

/**
 * @internal A cold lifecycle stream: each subscription boots one incarnation and
 * unsubscribing cancels it. It is its own booter: a supervisor calls `boot` directly.
 */
class LifecycleStream<N> extends Observable<N> implements Booter {
  constructor(
    readonly type: 'worker' | 'supervisor',
    readonly boot: (sink: Sink<unknown>) => Process<unknown>,
  ) {
    super((subscriber) => {
      const process = boot(subscriber);
      return () => process.cancel();
    });
  }
}
(LifecycleStream.prototype as unknown as Record<symbol, boolean>)[LIFECYCLE] = true;

/** @internal Makes a lifecycle stream of `type` whose subscriptions run `boot`. */
export function lifecycleStream<N>(
  type: 'worker' | 'supervisor',
  boot: (sink: Sink<N>) => Process<N>,
): Observable<N> {
  return new LifecycleStream<N>(type, boot);
}

/** @internal The booter of an rxotp lifecycle stream, or `undefined` for any other Observable. */
export const booterOf = (stream: Observable<unknown>): Booter | undefined =>
  (stream as unknown as Record<symbol, boolean>)[LIFECYCLE] === true
    ? (stream as LifecycleStream<unknown>)
    : undefined;
