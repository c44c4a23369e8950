import { Observable, type Subscriber, type TeardownLogic } from 'rxjs';
import type { Process, Sink } from './process.js';

/** @internal The brand on rxotp's own lifecycle streams, shared by every copy of rxotp. */
const LIFECYCLE = Symbol.for('rxotp.lifecycle');

/** @internal How to start an incarnation without an rxjs subscription. */
export interface Booter {
  readonly type: 'worker' | 'supervisor';
  boot(sink: Sink<unknown>): Process<unknown>;
}

/** @internal What boots one incarnation of a lifecycle stream from its start arguments and options. */
export type Boot<N, A, O> = (args: A, options: O, sink: Sink<N>) => Process<N>;

/**
 * @internal A cold lifecycle stream: each subscription boots one incarnation and
 * unsubscribing cancels it. It is its own booter: a supervisor calls `boot` directly.
 *
 * It keeps its boot function and what to boot with as fields, and subscribes
 * through one shared function: a stream is made per start (`def.start(args)`
 * in a child spec), and a million children start from one supervisor
 * (BENCHMARKS.md, case 6), so it makes no closures of its own.
 */
class LifecycleStream<N, A, O> extends Observable<N> implements Booter {
  readonly #boot: Boot<N, A, O>;
  readonly #args: A;
  readonly #options: O;

  constructor(
    readonly type: 'worker' | 'supervisor',
    boot: Boot<N, A, O>,
    args: A,
    options: O,
  ) {
    super(subscribeLifecycle);
    this.#boot = boot;
    this.#args = args;
    this.#options = options;
  }

  boot(sink: Sink<N>): Process<N> {
    return this.#boot(this.#args, this.#options, sink);
  }
}
(LifecycleStream.prototype as unknown as Record<symbol, boolean>)[LIFECYCLE] = true;

/** A subscription to a lifecycle stream (`this`): one incarnation, cancelled on unsubscribe. */
function subscribeLifecycle<N>(this: Observable<N>, subscriber: Subscriber<N>): TeardownLogic {
  const process = (this as LifecycleStream<N, unknown, unknown>).boot(subscriber);
  return () => process.cancel();
}

/** @internal Makes a lifecycle stream of `type` whose subscriptions run `boot(args, options, sink)`. */
export function lifecycleStream<N, A, O>(
  type: 'worker' | 'supervisor',
  boot: Boot<N, A, O>,
  args: A,
  options: O,
): Observable<N> {
  return new LifecycleStream<N, A, O>(type, boot, args, options);
}

/** @internal The booter of an rxotp lifecycle stream, or `undefined` for any other Observable. */
export const booterOf = (stream: Observable<unknown>): Booter | undefined =>
  (stream as unknown as Record<symbol, boolean>)[LIFECYCLE] === true
    ? (stream as LifecycleStream<unknown, unknown, unknown>)
    : undefined;
