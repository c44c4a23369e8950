/**
 * @internal What the observer's server and its page both need, in one place:
 * the page's script is compiled from src/observer/page/ and imports this
 * module too (docs/design.md, "The observer").
 */

/** A node's key: `JSON.stringify(path)`, since ids are any string and joining them could collide. */
export const keyOf = (path: readonly string[]): string => JSON.stringify(path);

/** Events the server keeps for a new page's log, and lines the page's log shows. */
export const MAX_LOG = 200;

/**
 * Changes go out at most once per this many ms (about 10 frames a second),
 * and the page draws at most once per this many ms, however many come.
 */
export const FRAME_MS = 100;
