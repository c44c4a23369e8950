import { of, tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  MaxRestartsExceededError,
  child,
  oneForAll,
  oneForOne,
  type SupervisorNotification,
} from '../src/index.js';
import { liveActorCount, scriptedChild, treeMarbles } from '../src/testing/index.js';

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('escalation through three levels: root > mid > leaf > w', () => {
  test('w crashes until leaf gives up, mid restarts leaf until it gives up, and so on up to the root', () => {
    const before = liveActorCount();
    const seen: SupervisorNotification[] = [];
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // Each level allows one restart in its window; a supervisor incarnation
      // starts with an empty restart history.
      const limits = { intensity: 1, period: 100 };
      const w = scriptedChild('w', cold('----------#'));
      const leaf = child('leaf', () => of(w).pipe(oneForOne(limits)));
      const mid = child('mid', () => of(leaf).pipe(oneForOne(limits)));
      const root$ = of(mid).pipe(
        oneForOne(limits),
        tap((n) => seen.push(n)),
      );
      const letters = {
        m: 'start mid',
        l: 'start mid/leaf',
        w: 'start mid/leaf/w',
        M: 'exit mid error',
        L: 'exit mid/leaf error',
        W: 'exit mid/leaf/w error',
        h: 'give-up mid',
        g: 'give-up mid/leaf',
        G: 'give-up',
        Z: 'exit error',
      };
      // w restarted by leaf at 10, 30, 50, 70; leaf restarted by mid at 20 and 60;
      // mid restarted by the root at 40; the root gives up at 80.
      // prettier-ignore
      const expected =  '(mlw)-----(Ww)------(WgLlw)---(Ww)------(WgLhMmlw)(Ww)------(WgLlw)---(Ww)------(WgLhMGZ|)',
            wSubs    = ['     ^---------!',
                        '10ms ^---------!',
                        '20ms ^---------!',
                        '30ms ^---------!',
                        '40ms ^---------!',
                        '50ms ^---------!',
                        '60ms ^---------!',
                        '70ms ^---------!'];

      expectObservable(treeMarbles(root$, letters)).toBe(expected);
      expectSubscriptions(w.subscriptions).toBe(wSubs);
    });

    // Each give-up is an error exit naming the child that was restarted once too often.
    const gaveUp = (path: string[]) =>
      seen
        .filter((n) => n.kind === 'give-up' && n.path.join('/') === path.join('/'))
        .map((n) => (n.kind === 'give-up' ? n.error.childId : undefined));
    expect(gaveUp(['mid', 'leaf'])).toEqual(['w', 'w', 'w', 'w']);
    expect(gaveUp(['mid'])).toEqual(['leaf', 'leaf']);
    expect(gaveUp([])).toEqual(['mid']);
    const last = seen.at(-1);
    expect(last?.kind === 'exit' && last.reason).toEqual({
      kind: 'error',
      error: expect.any(MaxRestartsExceededError) as unknown,
    });
    expect(liveActorCount()).toBe(before);
  });

  test('a restarted sub-supervisor leaves no child of its previous incarnation running', () => {
    const before = liveActorCount();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const p = scriptedChild('p', cold('-'));
      const q = scriptedChild('q', cold('-'));
      const sub = child('sub', () => of(p, q).pipe(oneForOne()));
      const x = scriptedChild('x', [cold('------#'), cold('-')]);
      const tree$ = of(sub, x).pipe(oneForAll());
      const letters = {
        s: 'start sub',
        p: 'start sub/p',
        q: 'start sub/q',
        x: 'start x',
        S: 'exit sub cancelled',
        P: 'exit sub/p cancelled',
        Q: 'exit sub/q cancelled',
        X: 'exit x error',
      };
      // x's crash stops sub, which stops q then p, before the set starts again.
      // prettier-ignore
      const unsub    =  '^--------------------!',
            expected =  '(spqx)(XQPSspqx)',
            pSubs    = ['^-----!               ',
                        '------^--------------!'],
            qSubs    = ['^-----!               ',
                        '------^--------------!'];

      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(p.subscriptions).toBe(pSubs);
      expectSubscriptions(q.subscriptions).toBe(qSubs);
    });
    expect(liveActorCount()).toBe(before);
  });
});
