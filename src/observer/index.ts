/**
 * rxotp/observer: a live, read-only view of a running supervision tree in the
 * browser. `observe(tree$, { port })` serves the page on 127.0.0.1: each
 * child's restart type, state, restarts, incarnation and mailbox depth, as they
 * change. Its own entry point, so importing `rxotp` never loads `node:http`.
 *
 * @module rxotp/observer
 */
export type { ObserveOptions, ObserverHandle } from './observe.js';
export { observe } from './observe.js';
export type { ObserveSource } from './watch-tree.js';
