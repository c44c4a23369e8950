import { EMPTY, Observable, distinctUntilChanged, switchMap } from 'rxjs';
import { badTarget, isPid, isVia, type Address } from './address.js';
import { GenServerProcess } from './gen-server-process.js';
import { notAcrossNodes } from './not-across-nodes.js';
import type { Pid } from './pid.js';
import type { Protocol, StateOf } from './protocol.js';

/**
 * An actor's state: the current state at once, then each state a handler
 * commits that differs from the last (`distinctUntilChanged`). For a pid it
 * completes when that incarnation exits; through `via` it follows the name
 * across restarts and never completes on its own.
 *
 * Its type comes from the address: a pid from `spawn`, or a `via` of a typed
 * name, carries the definition's state type; an address with no protocol
 * gives `unknown`.
 *
 * @example
 * ```ts
 * state$(via(registry, counterName)).subscribe((n) => render(n)); // n: number
 * ```
 *
 * @typeParam P - The protocol the address carries, whose `state` is emitted.
 */
export function state$<P extends Protocol>(address: Address<P>): Observable<StateOf<P>> {
  if (isPid(address)) return pidState(address);
  if (isVia(address)) {
    return address.registry.whereis$(address.name).pipe(
      switchMap((pid) => (pid === undefined ? EMPTY : pidState(pid))),
      distinctUntilChanged<StateOf<P>>(),
    );
  }
  return badTarget('state$', address, 'address');
}

function pidState(pid: Pid): Observable<unknown> {
  return new Observable<unknown>((subscriber) => {
    if (pid.node !== undefined) return notAcrossNodes('state$', pid).subscribe(subscriber);
    const process = pid.target;
    if (!(process instanceof GenServerProcess) || process.dead) return subscriber.complete();
    if (process.hasState) subscriber.next(process.currentState());
    return process.stateStream().subscribe(subscriber);
  }).pipe(distinctUntilChanged());
}
