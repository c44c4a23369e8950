import { badTarget, isPid, isVia } from '../actor/address.js';
import { lost } from '../actor/process.js';
import { NoProcError } from '../errors/no-proc-error.js';
import { FULL } from '../mailbox/mailbox.js';

/**
 * @internal Sends one message to an address: into the pid's mailbox, through a
 * name, or to dead letters (a call among them is rejected with `NoProcError`).
 * The path of every send, cast and call: a live pid is the first case tried,
 * and the others are functions of their own, so this one stays small enough
 * for V8 to inline the whole send into its caller.
 */
export function deliver(fn: string, target: unknown, kind: number, payload: unknown): boolean {
  if (isPid(target)) {
    const posted = target.target.post(kind, payload, undefined);
    return posted === true || (posted !== FULL && elsewhere(fn, target, kind, payload));
  }
  return elsewhere(fn, target, kind, payload);
}

/**
 * Not a live pid: a `via` address, a dead pid that refused the message (a dead letter; a call
 * is rejected with `NoProcError`), or a bad target.
 */
function elsewhere(fn: string, target: unknown, kind: number, payload: unknown): boolean {
  if (isVia(target)) return target.registry.deliver(target.name, kind, payload, target);
  if (!isPid(target)) return badTarget(fn, target);
  lost(target, kind, payload, target.target.reason!, new NoProcError(String(target)));
  return false;
}
