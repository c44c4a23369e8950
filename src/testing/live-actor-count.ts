import { liveProcesses } from '../actor/process.js';

/**
 * How many actor incarnations are alive in this process (genServers,
 * supervisors and supervised Observables, booting, running or stopping).
 * A tree torn down cleanly leaves it where it was before the tree started.
 *
 * @example
 * ```ts
 * const before = liveActorCount();
 * tree$.subscribe().unsubscribe();
 * expect(liveActorCount()).toBe(before);
 * ```
 */
export function liveActorCount(): number {
  return liveProcesses();
}
