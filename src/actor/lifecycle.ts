import { Observable } from 'rxjs';
import type { ExitReason } from '../exit/exit-reason.js';
import type { Pid } from './pid.js';
import type { Process, Sink } from './process.js';
import type { Protocol } from './protocol.js';

/**
 * What an actor's lifecycle stream emits: `started` once its `init` has
 * settled, and last `exit` with the reason, then it completes.
 *
 * @example
 * ```ts
 * counter.start(0).subscribe((n) => console.log(n.kind, String(n.pid)));
 * ```
 *
 * @typeParam P - The protocol of the incarnation's pid.
 */
export type Lifecycle<P extends Protocol = Protocol> =
  | { readonly kind: 'started'; readonly pid: Pid<P> }
  | { readonly kind: 'exit'; readonly pid: Pid<P>; readonly reason: ExitReason };

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
