import { badTarget, isPid, isVia, type Address } from '../actor/address.js';
import { NORMAL, type ExitReason } from '../exit/exit-reason.js';
import { checkReason } from '../exit/check-reason.js';

/**
 * Stops an actor from outside: it finishes the handler it is running, runs
 * `terminate(reason)`, and exits with `reason` (default `normal`). Messages
 * still queued go to dead letters (or wait for a restart, if sent through a
 * supervised name). Returns `false` if there was no live actor to stop, or it
 * was already stopping (the first request wins).
 *
 * @example
 * ```ts
 * stop(pid);
 * stop(via(registry, 'db'), { kind: 'error', error: new Error('reset') });
 * ```
 */
export function stop(target: Address, reason: ExitReason = NORMAL): boolean {
  checkReason('stop', reason);
  const pid = isPid(target)
    ? target
    : isVia(target)
      ? target.registry.whereis(target.name)
      : badTarget('stop', target);
  if (pid === undefined) return false;
  return pid.target.requestStop(reason);
}
