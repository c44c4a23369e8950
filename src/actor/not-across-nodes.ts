import { throwError, type Observable } from 'rxjs';
import type { Pid } from './pid.js';

/**
 * @internal What `state$` and `published$` of a pid on another node give: an
 * error naming the function, the pid and the fix. A node's states and
 * published values stay on that node (docs/design.md, "Remote").
 */
export function notAcrossNodes(fn: 'state$' | 'published$', pid: Pid): Observable<never> {
  return throwError(
    () =>
      new TypeError(
        `${fn}: ${String(pid)} lives on node '${pid.node ?? '?'}', and ${fn} does not cross nodes; ` +
          `subscribe on that node, or have the actor send what it publishes in messages.`,
      ),
  );
}
