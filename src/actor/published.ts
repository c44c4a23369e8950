import { EMPTY, Observable, switchMap } from 'rxjs';
import { badTarget, isPid, isVia, type Address } from './address.js';
import type { Pid } from './pid.js';
import type { Protocol, PublishedOf } from './protocol.js';

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
 * Its type comes from the address: the protocol's `published` values
 * (`unknown` unless stated, e.g. `typedName<{ published: number }>('feed')`).
 *
 * @typeParam P - The protocol the address carries, whose `published` values are emitted.
 */
export function published$<P extends Protocol>(address: Address<P>): Observable<PublishedOf<P>> {
  if (isPid(address)) return pidPublished(address);
  if (isVia(address)) {
    return address.registry
      .whereis$(address.name)
      .pipe(switchMap((pid) => (pid === undefined ? EMPTY : pidPublished(pid))));
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
