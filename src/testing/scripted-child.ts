import { Observable, isObservable } from 'rxjs';
import type { RunHelpers } from 'rxjs/testing';
import { describe } from '../exit/describe.js';
import { holds } from '../check/holds.js';
import type { ChildSpec } from '../index.js';
import { buildChild } from '../supervisor/build-child.js';

/** What `expectSubscriptions` takes: when each subscription began and ended, in frames. */
type SubscriptionLogs = Parameters<RunHelpers['expectSubscriptions']>[0];

/**
 * A child spec whose incarnations follow scripts, with a record of when each
 * incarnation was subscribed and unsubscribed.
 *
 * @example
 * ```ts
 * const a = scriptedChild('a', [cold('--#'), cold('-')]); // crashes once, at frame 2
 * expectObservable(treeMarbles(of(a).pipe(oneForOne()), { s: 'start a' }), '^---!').toBe('s-s');
 * expectSubscriptions(a.subscriptions).toBe(['^-!', '--^-!']);
 * ```
 */
export interface ScriptedChild extends ChildSpec {
  /**
   * Every subscription to its scripts (those made with `cold()`), in start
   * order: one per incarnation. A live list: pass it to `expectSubscriptions`,
   * which reads it when the run is flushed.
   */
  readonly subscriptions: SubscriptionLogs;
}

/**
 * A child whose life is scripted by a marble Observable, usually `cold()`: it
 * is subscribed again for each incarnation, so `'--#'` crashes two frames
 * after every start and `'---|'` exits normally three frames after it. Given
 * a list, the n-th start (counted over the whole test, across supervisor
 * restarts) follows the n-th script, and the last one repeats.
 *
 * @example
 * ```ts
 * testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
 *   const a = scriptedChild('a', [cold('--#'), cold('-----')]); // crashes once
 *   const b = scriptedChild('b', cold('-------'), { restart: 'permanent' });
 *   const tree$ = of(a, b).pipe(oneForOne());
 *   const letters = { s: 'start a', x: 'exit a' };
 *   expectObservable(treeMarbles(tree$, letters), '^------!').toBe('s-(xs)');
 *   expectSubscriptions(a.subscriptions).toBe(['^-!', '--^----!']);
 * });
 * ```
 */
export function scriptedChild(
  id: string,
  script: Observable<unknown> | readonly Observable<unknown>[],
  options: Omit<ChildSpec, 'id' | 'start'> = {},
): ScriptedChild {
  const scripts: readonly unknown[] = Array.isArray(script) ? script : [script];
  if (scripts.length === 0) {
    throw new TypeError(`scriptedChild: child ${describe(id)} needs at least one script.`);
  }
  for (const one of scripts) {
    if (!holds(() => isObservable(one))) {
      throw new TypeError(
        `scriptedChild: script must be an Observable (cold('--#')) or a list of them, got ${describe(one)}.`,
      );
    }
  }
  const subscriptions: SubscriptionLogs = [];
  let starts = 0;
  const next = (): Observable<unknown> => {
    const script = scripts[Math.min(starts++, scripts.length - 1)] as Observable<unknown>;
    const logs = logsOf(script);
    if (logs === undefined) return script;
    return new Observable<unknown>((subscriber) => {
      // A cold() Observable logs each subscription and replaces the entry when
      // it ends; this child's own list follows that entry, so it holds one
      // entry per incarnation however the scripts repeat.
      const i = logs.length;
      const j = subscriptions.length;
      script.subscribe(subscriber);
      const follow = (): void => {
        const log = logs[i];
        if (log !== undefined) subscriptions[j] = log;
      };
      follow();
      subscriber.add(follow);
    });
  };
  return { ...buildChild('scriptedChild', id, next, options), subscriptions };
}

/** The subscription log of a `cold()` Observable; `undefined` for any other Observable. */
const logsOf = (script: Observable<unknown>): SubscriptionLogs | undefined => {
  const logs = (script as { subscriptions?: unknown }).subscriptions;
  return Array.isArray(logs) ? (logs as SubscriptionLogs) : undefined;
};
