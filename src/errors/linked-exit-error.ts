import type { ExitReason } from '../exit/exit-reason.js';
import { formatExit } from '../exit/format-exit.js';

/**
 * The exit reason of an actor ended by a linked actor's crash (Erlang's exit
 * signal through a link): a child spawned from a handler crashed and its
 * parent does not trap exits, or the parent crashed and took the child with it.
 * See docs/design.md, "Links and trapping exits".
 *
 * @example
 * ```ts
 * pid.exit$.subscribe((r) => r.kind === 'error' && r.error instanceof LinkedExitError);
 * ```
 */
export class LinkedExitError extends Error {
  override readonly name = 'LinkedExitError';
  /** The linked actor that crashed, as text (`<pid 3>`). */
  readonly linked: string;
  /** Why the linked actor exited. */
  readonly reason: ExitReason;
  constructor(linked: string, reason: ExitReason) {
    super(
      `Linked actor ${linked} exited (${formatExit(reason)}). ` +
        `Set trapExit: true in the behavior to get { kind: 'exit' } messages instead.`,
    );
    this.linked = linked;
    this.reason = reason;
  }
}
