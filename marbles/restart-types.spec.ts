import { of, tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Registry, oneForAll, oneForOne, restForOne, type RestartType } from '../src/index.js';
import { scriptedChild, treeMarbles, whereisMarbles } from '../src/testing/index.js';

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('restart types under one_for_one', () => {
  // a's first incarnation ends at frame 6 by its script; a second one, if any, runs on.
  // prettier-ignore
  const cases: [RestartType, string, string, string, string[]][] = [
    // restart     ends by          script     tree           a's subscriptions
    ['permanent', 'a normal exit', '------|', 'a-----(Ara)', ['^-----!', '------^-----!']],
    ['permanent', 'a crash',       '------#', 'a-----(Ara)', ['^-----!', '------^-----!']],
    ['transient', 'a normal exit', '------|', 'a-----A    ', ['^-----!                  ']],
    ['transient', 'a crash',       '------#', 'a-----(Ara)', ['^-----!', '------^-----!']],
    ['temporary', 'a normal exit', '------|', 'a-----A    ', ['^-----!                  ']],
    ['temporary', 'a crash',       '------#', 'a-----A    ', ['^-----!                  ']],
  ];

  test.each(cases)('%s after %s', (restart, _ending, script, expected, subs) => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', [cold(script), cold('-')], { restart });
      const tree$ = of(a).pipe(oneForOne());
      const letters = { a: 'start a', A: 'exit a', r: 'restart a' };

      expectObservable(treeMarbles(tree$, letters), '^-----------!').toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(subs);
    });
  });

  test('the default is transient: a normal exit leaves the child down and its name free', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const registry = new Registry();
      const a = scriptedChild('a', cold('------|'));
      const b = scriptedChild('b', [cold('--------#'), cold('-')]);
      // prettier-ignore
      const unsub    = '^-----------!',
            expected = '(ab)--A-(Brb)',
            aSubs    = '^-----!      ',
            aPids    = '1-----0      ';

      const tree$ = of(a, b).pipe(oneForOne({ registry }));
      const letters = { a: 'start a', b: 'start b', A: 'exit a', B: 'exit b', r: 'restart' };
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectObservable(whereisMarbles(registry, 'a')).toBe(aPids);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
    });
  });
});

describe('restart types under one_for_all (as OTP)', () => {
  test('a transient child that exited normally comes back with the set', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const t = scriptedChild('t', [cold('----|'), cold('-')]);
      const x = scriptedChild('x', [cold('--------#'), cold('-')]);
      // prettier-ignore
      const unsub    =  '^-----------!',
            expected =  '(tx)T---(Xrtx)',
            tSubs    = ['^---!        ',
                        '--------^---!'],
            xSubs    = ['^-------!    ',
                        '--------^---!'];

      const tree$ = of(t, x).pipe(oneForAll());
      const letters = { t: 'start t', x: 'start x', T: 'exit t', X: 'exit x', r: 'restart' };
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(t.subscriptions).toBe(tSubs);
      expectSubscriptions(x.subscriptions).toBe(xSubs);
    });
  });

  test('a running temporary child in the set is stopped and dropped', () => {
    const restarted: (readonly string[])[] = [];
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const registry = new Registry();
      const p = scriptedChild('p', cold('-'), { restart: 'temporary' });
      const x = scriptedChild('x', [cold('------#'), cold('-')]);
      // prettier-ignore
      const unsub    =  '^-----------!',
            expected =  '(px)--(XrPx)',
            pSubs    =  '^-----!      ',
            xSubs    = ['^-----!      ',
                        '------^-----!'],
            pPids    =  '1-----0      ';

      const tree$ = of(p, x).pipe(
        oneForAll({ registry }),
        tap((n) => n.kind === 'restart' && restarted.push(n.ids)),
      );
      const letters = {
        p: 'start p',
        x: 'start x',
        P: 'exit p cancelled',
        X: 'exit x',
        r: 'restart',
      };
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectObservable(whereisMarbles(registry, 'p')).toBe(pPids);
      expectSubscriptions(p.subscriptions).toBe(pSubs);
      expectSubscriptions(x.subscriptions).toBe(xSubs);
    });
    // The restart event names only the children that come back.
    expect(restarted).toEqual([['x']]);
  });

  test('the siblings it stops exit cancelled, the crashed child with its error', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = scriptedChild('a', cold('-'));
      const b = scriptedChild('b', [cold('------#'), cold('-')]);
      const c = scriptedChild('c', cold('-'));
      const letters = {
        E: 'exit b error',
        A: 'exit a cancelled',
        C: 'exit c cancelled',
        r: 'restart b 1',
      };
      // prettier-ignore
      const unsub    = '^-----------!',
            expected = '------(ErCA)';

      const tree$ = of(a, b, c).pipe(oneForAll());
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
    });
  });
});

describe('restart types under rest_for_one (as OTP)', () => {
  test('the set after the crashed child: transient back, temporary dropped, earlier ones untouched', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e = scriptedChild('e', cold('-'), { restart: 'temporary' });
      const x = scriptedChild('x', [cold('---------#'), cold('-')]);
      const t = scriptedChild('t', [cold('------|'), cold('-')]);
      const p = scriptedChild('p', cold('-'), { restart: 'temporary' });
      const letters = {
        e: 'start e',
        x: 'start x',
        t: 'start t',
        p: 'start p',
        X: 'exit x',
        T: 'exit t',
        P: 'exit p',
      };
      // prettier-ignore
      const unsub    =  '^-------------!',
            expected =  '(extp)T--(XPxt)',
            eSubs    =  '^-------------!',
            tSubs    = ['^-----!        ',
                        '---------^----!'],
            pSubs    =  '^--------!     ';

      const tree$ = of(e, x, t, p).pipe(restForOne());
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(e.subscriptions).toBe(eSubs);
      expectSubscriptions(t.subscriptions).toBe(tSubs);
      expectSubscriptions(p.subscriptions).toBe(pSubs);
    });
  });
});
