/**
 * rxotp/testing: helpers for testing supervision trees on virtual time.
 *
 * @module rxotp/testing
 */
export { describeEvent } from './describe-event.js';
export { liveActorCount } from './live-actor-count.js';
export type { ScriptedChild } from './scripted-child.js';
export { scriptedChild } from './scripted-child.js';
export type { TreeLetters } from './tree-marbles.js';
export { treeMarbles } from './tree-marbles.js';
export { whereisMarbles } from './whereis-marbles.js';
