import { badTarget, isPid, isVia } from '../actor/address.js';
import { lost } from '../actor/process.js';
import { NoProcError } from '../errors/no-proc-error.js';
import { FULL } from '../mailbox/mailbox.js';

/**
 * @internal Sends one message to an address: into the pid's mailbox, through a
 * name, or to dead letters (a call among them is rejected with `NoProcError`).
 * The path of every send, cast and call: a live pid is the first case tried.
 */
export function deliver(fn: string, target: unknown, kind: number, payload: unknown): boolean {
  if (isPid(target)) {
    const posted = target.target.post(kind, payload, undefined);
    if (posted === true) return true;
    if (posted === FULL) return false;
    lost(target, kind, payload, target.target.reason!, new NoProcError(String(target)));
    return false;
  }
  if (isVia(target)) return target.registry.deliver(target.name, kind, payload, target);
  return badTarget(fn, target);
}
