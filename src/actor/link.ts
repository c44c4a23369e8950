import { CANCELLED, errorExit, type ExitReason } from '../exit/exit-reason.js';
import { LinkedExitError } from '../errors/linked-exit-error.js';
import type { Pid } from './pid.js';
import type { ExitMessage } from './system-messages.js';

/** @internal The part of a process a link acts on. */
export interface LinkEnd {
  readonly trapExit: boolean;
  system(message: ExitMessage): void;
  requestStop(reason: ExitReason): boolean;
}

/**
 * @internal An actor spawned from a handler of `parent` exited (Erlang's exit
 * signal through a `spawn_link` link). A parent that traps exits gets an
 * `{ kind: 'exit' }` message for every reason; one that does not is ended by
 * an `error` exit only, with a `LinkedExitError` naming the child. `normal`
 * and `cancelled` (a stop from outside, an orderly teardown) end nothing.
 * See docs/design.md, "Links and trapping exits".
 */
export function childExited(parent: LinkEnd, child: Pid, reason: ExitReason): void {
  if (parent.trapExit) {
    const message: ExitMessage = Object.freeze({ kind: 'exit', pid: child, reason });
    parent.system(message);
  } else if (reason.kind === 'error') {
    parent.requestStop(errorExit(new LinkedExitError(String(child), reason)));
  }
}

/**
 * @internal How the children of an exiting actor end (they always end with it,
 * trapping or not: no orphans): with a `LinkedExitError` naming the parent when
 * it crashed, else `cancelled`.
 */
export function childReason(parent: Pid, reason: ExitReason): ExitReason {
  return reason.kind === 'error'
    ? errorExit(new LinkedExitError(String(parent), reason))
    : CANCELLED;
}
