import { EMPTY, Observable, distinctUntilChanged, switchMap } from 'rxjs';
import { badTarget, isPid, isVia, type Address } from './address.js';
import { GenServerProcess } from './gen-server-process.js';
import { notAcrossNodes } from './not-across-nodes.js';
import type { Pid } from './pid.js';

/**
 * An actor's state: the current state at once, then each state a handler
 * commits that differs from the last (`distinctUntilChanged`). For a pid it
 * completes when that incarnation exits; through `via` it follows the name
 * across restarts and never completes on its own.
 *
 * @example
 * ```ts
 * state$(via(registry, 'counter')).subscribe((n) => render(n));
 * ```
 *
 * @typeParam S - The actor's state (not checked: state it as the actor keeps it).
 */
export function state$<S = unknown>(address: Address): Observable<S> {
  if (isPid(address)) return pidState(address) as Observable<S>;
  if (isVia(address)) {
    return address.registry.whereis$(address.name).pipe(
      switchMap((pid) => (pid === undefined ? EMPTY : (pidState(pid) as Observable<S>))),
      distinctUntilChanged(),
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
