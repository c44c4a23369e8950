/** @internal An info message (`send`, or a value fed into the mailbox). */
export const INFO = 0;
/** @internal A `cast` request. */
export const CAST = 1;
/** @internal A `call` request; the payload is its `CallRef`. */
export const CALL = 2;
/**
 * @internal A process's own bookkeeping (a supervisor's child exits, specs and
 * timers): the payload is the process's own typed message. Kinds from `OWN`
 * up (this one, and the system messages of `actor/system-kinds.ts`) are never
 * dead letters and never refused by a bound.
 */
export const OWN = 3;

/** @internal The name of a message kind, as dead letters show it. */
export const kindName = (kind: number): 'info' | 'cast' | 'call' =>
  kind === CAST ? 'cast' : kind === CALL ? 'call' : 'info';
