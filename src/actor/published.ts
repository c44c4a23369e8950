import { EMPTY, Observable, switchMap } from 'rxjs';
import { badTarget, isPid, isVia, type Address } from './address.js';
import type { Pid } from './pid.js';

/**
 * Values an actor publishes: `ctx.publish(v)` in a genServer, or every value of
 * a plain Observable run as a supervised child. For a pid it completes when
 * that incarnation exits; through `via` it stays subscribed across restarts.
 *
 * @example
 * ```ts
 * const sup = supervise([child('feed', () => interval(1000))], { strategy: 'one_for_one' });
 * // after started: published$(via(registry, 'feed')).subscribe(console.log)
 * ```
 *
 * @typeParam T - The values the actor publishes (not checked: state it as the actor publishes it).
 */
export function published$<T = unknown>(address: Address): Observable<T> {
  if (isPid(address)) return pidPublished(address) as Observable<T>;
  if (isVia(address)) {
    return address.registry
      .whereis$(address.name)
      .pipe(switchMap((pid) => (pid === undefined ? EMPTY : pidPublished(pid)))) as Observable<T>;
  }
  return badTarget('published$', address, 'address');
}

function pidPublished(pid: Pid): Observable<unknown> {
  // A live process's values until it exits; none from a dead one; an error
  // for a pid on another node (docs/design.md, "Remote").
  return new Observable<unknown>((subscriber) =>
    pid.target.publishedStream().subscribe(subscriber),
  );
}
