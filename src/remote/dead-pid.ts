import { EMPTY } from 'rxjs';
import { notAcrossNodes } from '../actor/not-across-nodes.js';
import { Pid, type PidTarget } from '../actor/pid.js';
import type { ExitReason } from '../exit/exit-reason.js';

function noop(): void {}

/** @internal A handle for pid `id` (of `node`, or of this node), known to have exited with `reason`. */
export function deadPid(id: number, reason: ExitReason, node?: string): Pid {
  const target: PidTarget = {
    post: () => false,
    reason,
    dead: true,
    onExit: (watch) => (watch(reason), noop),
    requestStop: () => false,
    // Nothing to name: a registry refuses a dead pid before it asks.
    named: noop,
    publishedStream: () => (node === undefined ? EMPTY : notAcrossNodes('published$', pid)),
    carrier: null,
  };
  const pid = new Pid(target, id, undefined, node);
  return pid;
}
