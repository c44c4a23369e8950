/**
 * The node a remote pid lives on was lost: its link closed, or it missed too
 * many heartbeats. Monitors (`exit$`) of its pids fire with this error as an
 * `error` reason, and calls still waiting on it reject with it (OTP's
 * `noconnection`).
 *
 * @example
 * ```ts
 * remotePid.exit$.subscribe((r) => r.kind === 'error' && r.error instanceof NodeDownError);
 * ```
 */
export class NodeDownError extends Error {
  override readonly name = 'NodeDownError';
  /** The lost node's name. */
  readonly node: string;
  /** How it was lost: `'link closed'`, `'closed by peer'` or `'missed N heartbeats'`. */
  readonly why: string;
  constructor(node: string, why: string) {
    super(
      `Node '${node}' is down (${why}). Its pids are gone; ` +
        `look the names up again once it is back.`,
    );
    this.node = node;
    this.why = why;
  }
}
