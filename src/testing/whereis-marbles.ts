import { defer, map, type Observable } from 'rxjs';
import { describe } from '../exit/describe.js';
import { holds } from '../check/holds.js';
import { Registry, type Pid } from '../index.js';

/**
 * Who holds `name` in `registry` over time, as marble letters: `'0'` for no
 * one, `'1'` for the first pid seen under the name, `'2'` for the second, and
 * so on — with the name watched from the start, the incarnation number (from
 * the tenth on, `'10'`, `'11'`…, which a diagram shows through `values`). It
 * emits at once, then on every change.
 *
 * @example
 * ```ts
 * testScheduler.run(({ cold, expectObservable }) => {
 *   const registry = new Registry();
 *   const tree$ = of(scriptedChild('a', [cold('--#'), cold('-----')])).pipe(oneForOne({ registry }));
 *   expectObservable(treeMarbles(tree$, { s: 'start a' }), '^------!').toBe('s-s');
 *   expectObservable(whereisMarbles(registry, 'a')).toBe('1-(02)-0'); // 0: freed by the teardown at 7
 * });
 * ```
 */
export function whereisMarbles(registry: Registry, name: string): Observable<string> {
  if (!holds(() => registry instanceof Registry)) {
    throw new TypeError(`whereisMarbles: registry must be a Registry, got ${describe(registry)}.`);
  }
  if (typeof name !== 'string') {
    throw new TypeError(`whereisMarbles: name must be a string, got ${describe(name)}.`);
  }
  return defer(() => {
    const seen = new Map<Pid, number>();
    return registry.whereis$(name).pipe(
      map((pid) => {
        if (pid === undefined) return '0';
        let n = seen.get(pid);
        if (n === undefined) seen.set(pid, (n = seen.size + 1));
        return String(n);
      }),
    );
  });
}
