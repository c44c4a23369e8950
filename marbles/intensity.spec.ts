import { of, tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  MaxRestartsExceededError,
  child,
  genServer,
  oneForAll,
  oneForOne,
  type SupervisorNotification,
} from '../src/index.js';
import { scriptedChild, treeMarbles } from '../src/testing/index.js';

// G is the supervisor's give-up and Z its own error exit.
const letters = {
  a: 'start a',
  b: 'start b',
  c: 'start c',
  A: 'exit a',
  B: 'exit b',
  C: 'exit c',
  r: 'restart',
  G: 'give-up',
  Z: 'exit error',
};

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('intensity: more than `intensity` restarts within `period` ms', () => {
  test('exceeded inside the window: give up, stop every child, exit with MaxRestartsExceededError', () => {
    let last: SupervisorNotification | undefined;
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', cold('------#'));
      const b = scriptedChild('b', cold('-'));
      const tree$ = of(a, b).pipe(
        oneForOne({ intensity: 2, period: 20 }),
        tap((n) => (last = n)),
      );
      // prettier-ignore
      const expected =  '(ab)--(Ara)-(Ara)-(AGBZ|)',
            aSubs    = ['^-----!                 ',
                        '------^-----!           ',
                        '------------^-----!     '],
            bSubs    =  '^-----------------!     ';

      expectObservable(treeMarbles(tree$, letters)).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
    });
    expect(last).toMatchObject({
      kind: 'exit',
      reason: { kind: 'error', error: expect.any(MaxRestartsExceededError) as unknown },
    });
    expect(last?.kind === 'exit' && last.reason).toMatchObject({
      error: { childId: 'a', restarts: 3, period: 20 },
    });
  });

  test('not exceeded when the crashes are spread beyond the window', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', [cold('------#'), cold('------#'), cold('-----------#')]);
      const tree$ = of(a).pipe(oneForOne({ intensity: 2, period: 15 }));
      // Restarts at 6, 12 and 23: by 23 the one at 6 has left the 15 ms window.
      // prettier-ignore
      const unsub    =  '^--------------------------!',
            expected =  'a-----(Ara)-(Ara)------(Ara)',
            aSubs    = ['^-----!                     ',
                        '------^-----!               ',
                        '------------^----------!    ',
                        '-----------------------^---!'];

      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
    });
  });

  test('the exact boundary: a restart exactly `period` ms old no longer counts', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = scriptedChild('a', cold('------#'));
      // Restarts at 6, 12, 18, 24: each sees the one 12 ms before it leave the window.
      // prettier-ignore
      const unsub    = '^---------------------!',
            expected = 'a-----(Ara)-(Ara)-(Ara)';

      const tree$ = of(a).pipe(oneForOne({ intensity: 2, period: 12 }));
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
    });
  });

  test('the exact boundary: one ms more and it still counts', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = scriptedChild('a', cold('------#'));
      // prettier-ignore
      const expected = 'a-----(Ara)-(Ara)-(AGZ|)';

      const tree$ = of(a).pipe(oneForOne({ intensity: 2, period: 13 }));
      expectObservable(treeMarbles(tree$, letters)).toBe(expected);
    });
  });

  test('intensity 0 gives up on the first restart, with no restart first', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', cold('-'));
      const b = scriptedChild('b', cold('------#'));
      const c = scriptedChild('c', cold('-'));
      // prettier-ignore
      const expected = '(abc)-(BGCAZ|)',
            aSubs    = '^-----!       ',
            bSubs    = '^-----!       ',
            cSubs    = '^-----!       ';

      const tree$ = of(a, b, c).pipe(oneForAll({ intensity: 0 }));
      expectObservable(treeMarbles(tree$, letters)).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
      expectSubscriptions(c.subscriptions).toBe(cSubs);
    });
  });

  test('intensity 0: exits that restart nothing never count', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = scriptedChild('a', cold('-----|'));
      const b = scriptedChild('b', cold('-------#'), { restart: 'temporary' });
      const c = scriptedChild('c', cold('-'));
      // prettier-ignore
      const unsub    = '^-----------!',
            expected = '(abc)A-B     ';

      const tree$ = of(a, b, c).pipe(oneForOne({ intensity: 0 }));
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
    });
  });

  test("a permanent child's normal exit counts like any restart", () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = scriptedChild('a', cold('------|'), { restart: 'permanent' });
      // prettier-ignore
      const expected = 'a-----(Ara)-(AGZ|)';

      const tree$ = of(a).pipe(oneForOne({ intensity: 1, period: 100 }));
      expectObservable(treeMarbles(tree$, letters)).toBe(expected);
    });
  });

  test('it counts restart events: a one_for_all restart of three children is one', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', cold('-'));
      const b = scriptedChild('b', cold('-'));
      const c = scriptedChild('c', cold('----------#'));
      // prettier-ignore
      const expected =  '(abc)-----(CrBAabc)-(CGBAZ|)',
            aSubs    = ['^---------!                ',
                        '----------^---------!      '];

      const tree$ = of(a, b, c).pipe(oneForAll({ intensity: 1, period: 100 }));
      expectObservable(treeMarbles(tree$, letters)).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
    });
  });

  test('a restart counts from the moment it is decided, also while a backoff wait follows', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = scriptedChild('a', cold('--#'));
      // Restarts decided at 2 and 14 (a 10 ms wait, then 2 ms of running): both inside 20 ms.
      // prettier-ignore
      const expected = 'a-(Ar) 6ms a-(AGZ|)';

      const tree$ = of(a).pipe(
        oneForOne({ intensity: 1, period: 20, backoff: { min: 10, max: 10 } }),
      );
      expectObservable(treeMarbles(tree$, letters)).toBe(expected);
    });
  });

  test('a child that fails at every start ends in a bounded number of restarts, never a hot loop', () => {
    testScheduler().run(({ expectObservable }) => {
      const failing = genServer({
        init: (): number => {
          throw new Error('no database');
        },
      });
      const a = child('a', () => failing.start());
      // init never succeeds: no start, and everything happens in frame 0.
      // prettier-ignore
      const expected = '(ArArAGZ|)';

      const tree$ = of(a).pipe(oneForOne({ intensity: 2 }));
      expectObservable(treeMarbles(tree$, letters)).toBe(expected);
    });
  });

  test('a start function that throws is a crash like any other', () => {
    testScheduler().run(({ expectObservable }) => {
      const a = child('a', () => {
        throw new Error('bad config');
      });
      // prettier-ignore
      const expected = '(ArAGZ|)';

      const tree$ = of(a).pipe(oneForOne({ intensity: 1 }));
      expectObservable(treeMarbles(tree$, letters)).toBe(expected);
    });
  });
});
