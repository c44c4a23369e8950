import type { ExitReason } from '../exit/exit-reason.js';
import type { Pid } from './pid.js';
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
