/** @internal What a mailbox entry is: the first slot of each queued triple. */
export const INFO = 0;
/** @internal A `cast` request. */
export const CAST = 1;
/** @internal A `call` request; the payload is its `CallRef`. */
export const CALL = 2;

/** @internal The name of a message kind, as dead letters show it. */
export const kindName = (kind: number): 'info' | 'cast' | 'call' =>
  kind === CAST ? 'cast' : kind === CALL ? 'call' : 'info';

/** @internal Kinds from here up are a process's own bookkeeping: never dead letters. */
export const INTERNAL = 8;
