import { Pid, type PidTarget } from '../actor/pid.js';
import type { ExitReason } from '../exit/exit-reason.js';

function noop(): void {}

/** @internal A handle for pid `id` (of `node`, or of this node), known to have exited with `reason`. */
export function deadPid(id: number, reason: ExitReason, node?: string): Pid {
  const target: PidTarget = {
    post: () => false,
    reason,
    onExit: (watch) => (watch(reason), noop),
  };
  return new Pid(target, id, undefined, node);
}
