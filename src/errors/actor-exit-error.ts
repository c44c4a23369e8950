import type { ExitReason } from '../exit/exit-reason.js';
import { formatExit } from '../exit/format-exit.js';

/**
 * The actor handling a `call` exited before replying; `reason` says why.
 *
 * @example
 * ```ts
 * call(pid, 'crash').catch((e) => e instanceof ActorExitError && e.reason.kind === 'error');
 * ```
 */
export class ActorExitError extends Error {
  override readonly name = 'ActorExitError';
  /** The target, as text. */
  readonly target: string;
  /** The exit reason of the incarnation that held the request. */
  readonly reason: ExitReason;
  constructor(target: string, reason: ExitReason) {
    super(`${target} exited (${formatExit(reason)}) before replying to the call.`);
    this.target = target;
    this.reason = reason;
  }
}
