// rxotp/observer: a live view of a running supervision tree in the browser.
// Its own entry point, so importing 'rxotp' never loads node:http.
export type { ObserveOptions, ObserverHandle } from './observe.js';
export { observe } from './observe.js';
export type { ObserveSource } from './watch-tree.js';
