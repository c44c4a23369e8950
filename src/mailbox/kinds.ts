/** @internal An info message (`send`, or a value fed into the mailbox). */
export const INFO = 0;
/** @internal A `cast` request. */
export const CAST = 1;
/** @internal A `call` request; the payload is its `CallRef`. */
export const CALL = 2;
/**
 * @internal A process's own bookkeeping: the payload is the process's own
 * typed message (a supervisor's `SupervisorMessage`, a genServer's
 * `SystemMessage`). Never a dead letter, never refused by a bound.
 */
export const OWN = 3;

/** @internal The name of a message kind, as dead letters show it. */
export const kindName = (kind: number): 'info' | 'cast' | 'call' =>
  kind === CAST ? 'cast' : kind === CALL ? 'call' : 'info';
