import { Subject } from 'rxjs';
import type { Address } from '../actor/address.js';
import type { ExitReason } from '../exit/exit-reason.js';

/**
 * A message that reached no actor.
 *
 * @example
 * ```ts
 * deadLetters$.subscribe(({ target, kind, message, reason }) =>
 *   console.warn(`${kind} to ${String(target)} lost (${formatExit(reason)})`, message));
 * ```
 */
export interface DeadLetter {
  /** Where it was sent. */
  readonly target: Address;
  /** How it was sent. */
  readonly kind: 'info' | 'cast' | 'call';
  /** The message or request. */
  readonly message: unknown;
  /** Why it reached no actor: the target's exit reason, or an error (`NoProcError`, `HoldOverflowError`, `MailboxFullError`). */
  readonly reason: ExitReason;
}

const letters = new Subject<DeadLetter>();

/**
 * The one process-wide stream of messages that reached no actor: sends to dead
 * pids or unknown names, messages left in a mailbox when its actor exited,
 * held messages of a name that was not restarted, hold overflow, and messages
 * a full bounded mailbox refused or dropped.
 *
 * @example
 * ```ts
 * const sub = deadLetters$.subscribe((d) => log.warn(d));
 * ```
 */
export const deadLetters$ = letters.asObservable();

/** @internal Publishes one dead letter. */
export function publishDeadLetter(letter: DeadLetter): void {
  if (letters.observed) letters.next(letter);
}

/** @internal Whether anyone listens: without listeners, lost messages need no letter made. */
export const deadLettersObserved = (): boolean => letters.observed;
