import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Registry, oneForAll, oneForOne } from '../src/index.js';
import { scriptedChild, treeMarbles, whereisMarbles } from '../src/testing/index.js';

// The k-th consecutive restart waits min(max, min * factor^(k-1)) ms, times a
// random factor in [1 - jitter, 1 + jitter]; k resets once the child has run
// resetAfter ms.

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('backoff', () => {
  test('min, factor and the max cap', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', cold('-#'));
      const backoff = { min: 10, factor: 2, max: 40 };
      const tree$ = of(a).pipe(oneForOne({ intensity: Infinity, backoff }));
      const letters = {
        a: 'start a',
        A: 'exit a',
        r: 'restart a',
        w: 'backoff a 10',
        x: 'backoff a 20',
        y: 'backoff a 40',
      };
      // Waits of 10, 20, 40, then 40 again (80 capped).
      // prettier-ignore
      const unsub    =  '    115ms !',
            expected =  'a(Arw) 5ms a(Arx) 15ms a(Ary) 35ms a(Ary) 35ms a',
            aSubs    = ['^!        ',
                        ' 11ms ^!  ',
                        ' 32ms ^!  ',
                        ' 73ms ^!  ',
                        '114ms ^!  '];

      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
    });
  });

  test('jitter scales each wait by the injected random source', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = scriptedChild('a', cold('-#'));
      const randoms = [0, 0.25, 0.75];
      const random = (): number => randoms.shift() ?? 0.5;
      // Base 8 every time (factor 1); jitter 0.5 gives 8 * (0.5 + random).
      const backoff = { min: 8, max: 8, factor: 1, jitter: 0.5, random };
      const tree$ = of(a).pipe(oneForOne({ intensity: Infinity, backoff }));
      const letters = {
        a: 'start a',
        A: 'exit a',
        w: 'backoff a 4',
        x: 'backoff a 6',
        y: 'backoff a 10',
      };
      // prettier-ignore
      const unsub    = '^-----------------------!',
            expected = 'a(Aw)a(Ax)--a(Ay)------a';

      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
    });
  });

  test('k resets once the child has run resetAfter ms without exiting', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', [
        cold('-#'),
        cold('-#'),
        cold('-------------------#'), // runs 19 ms, more than resetAfter
        cold('-#'),
      ]);
      const backoff = { min: 10, max: 40, resetAfter: 15 };
      const tree$ = of(a).pipe(oneForOne({ intensity: Infinity, backoff }));
      const letters = {
        a: 'start a',
        A: 'exit a',
        r: 'restart a',
        w: 'backoff a 10',
        x: 'backoff a 20',
      };
      // prettier-ignore
      const unsub    =  '    63ms !',
            expected =  'a(Arw) 5ms a(Arx) 15ms a 18ms (Arw) 5ms a(Arx)',
            aSubs    = ['^!                    ',
                        '11ms ^!               ',
                        '32ms ^------------------!',
                        '61ms ^!               '];

      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
    });
  });

  test('resetAfter defaults to max', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = scriptedChild('a', [
        cold('-#'),
        cold('--------------------#'), // runs 20 ms, as long as max
        cold('-#'),
      ]);
      const tree$ = of(a).pipe(oneForOne({ intensity: Infinity, backoff: { min: 10, max: 20 } }));
      const letters = { a: 'start a', A: 'exit a', w: 'backoff a 10', x: 'backoff a 20' };
      // prettier-ignore
      const unsub    = '    43ms !',
            expected = 'a(Aw) 6ms a 19ms (Aw) 6ms a(Ax)';

      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
    });
  });

  test("one_for_all waits the crashed child's delay, with every name of the set down", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const registry = new Registry();
      const a = scriptedChild('a', cold('-'));
      const b = scriptedChild('b', [cold('----#'), cold('-')]);
      const tree$ = of(a, b).pipe(oneForAll({ registry, backoff: { min: 7, max: 100 } }));
      const letters = {
        a: 'start a',
        b: 'start b',
        A: 'exit a',
        B: 'exit b',
        r: 'restart b',
        w: 'backoff b 7',
      };
      // prettier-ignore
      const unsub    =  '^-------------!',
            expected =  '(ab)(BrAw)-(ab)',
            aSubs    = ['^---!         ',
                        '-----------^--!'],
            aPids    =  '1---0------2--0',
            bPids    =  '1---0------2--0';

      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectObservable(whereisMarbles(registry, 'a')).toBe(aPids);
      expectObservable(whereisMarbles(registry, 'b')).toBe(bPids);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
    });
  });

  test('a backoff function gets the child id and k', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = scriptedChild('a', cold('-#'));
      const backoff = (id: string, k: number): number => (id === 'a' ? 3 * k : 0);
      const tree$ = of(a).pipe(oneForOne({ intensity: Infinity, backoff }));
      const letters = { a: 'start a', A: 'exit a' };
      // Waits of 3, 6, 9.
      // prettier-ignore
      const unsub    = '^-------------------------!',
            expected = 'aA--aA-----aA--------aA';

      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
    });
  });
});
