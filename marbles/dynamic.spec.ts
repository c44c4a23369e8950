import { concat, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { child, genServer, oneForAll, oneForOne, type ChildSpec } from '../src/index.js';
import { scriptedChild, treeMarbles } from '../src/testing/index.js';

// A hot() source stands for a Subject<ChildSpec>: children are added while the
// supervisor runs.

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const letters = {
  a: 'start a',
  b: 'start b',
  A: 'exit a',
  B: 'exit b',
  r: 'restart',
  R: 'refused',
  Z: 'exit error',
};

describe('dynamic children', () => {
  test('specs added over time start, restart, and a duplicate id is refused without disturbing anything', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', [cold('---#'), cold('-')]);
      const b = scriptedChild('b', [cold('--------#'), cold('-')]);
      const another = scriptedChild('a', cold('|'));
      // The source completing ends nothing: b still restarts after it.
      // prettier-ignore
      const specs    = hot<ChildSpec>('--a-------b-c---|      ', { a, b, c: another }),
            unsub    =                '^----------------------!',
            expected =                '--a--(Ara)b-R-----(Brb) ',
            specSubs =                '^---------------!       ',
            aSubs    =               ['--^--!                  ',
                                      '-----^-----------------!'],
            bSubs    =               ['----------^-------!     ',
                                      '------------------^----!'];

      const tree$ = specs.pipe(oneForOne());
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(specs.subscriptions).toBe(specSubs);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
      expectSubscriptions(another.subscriptions).toBe([]);
    });
  });

  test('a spec beyond maxChildren is refused', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', cold('-'));
      const b = scriptedChild('b', cold('-'));
      // prettier-ignore
      const specs    = hot<ChildSpec>('--a--b----', { a, b }),
            unsub    =                '^--------!',
            expected =                '--a--R    ';

      const tree$ = specs.pipe(oneForOne({ maxChildren: 1 }));
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(b.subscriptions).toBe([]);
    });
  });

  test('children added later keep their place in start order under one_for_all', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', [cold('------#'), cold('-')]);
      const b = scriptedChild('b', cold('-'));
      // prettier-ignore
      const specs    = hot<ChildSpec>('--a-b-----------', { a, b }),
            unsub    =                '^--------------!',
            expected =                '--a-b---(ArBab) ',
            bSubs    =               ['----^---!       ',
                                      '--------^------!'];

      const tree$ = specs.pipe(oneForAll());
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
    });
  });

  test('an error from the source stops the children and the supervisor exits with it', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', cold('-'));
      const b = scriptedChild('b', cold('-'));
      // prettier-ignore
      const specs    = hot<ChildSpec>('--a-b-#', { a, b }),
            expected =                '--a-b-(BAZ|)',
            specSubs =                '^-----!',
            aSubs    =                '--^---!',
            bSubs    =                '----^-!';

      const tree$ = specs.pipe(oneForOne());
      expectObservable(treeMarbles(tree$, letters)).toBe(expected);
      expectSubscriptions(specs.subscriptions).toBe(specSubs);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
    });
  });

  test('a spec that arrives while the set is being restarted waits its turn', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // slow's terminate takes 3 frames: x's crash at 6 restarts the set at 9.
      const slow = child('slow', () =>
        genServer({ init: () => 0, terminate: () => cold('---|') }).start(),
      );
      const x = scriptedChild('x', [cold('------#'), cold('-')]);
      const c = scriptedChild('c', cold('-'));
      const letters = { s: 'start slow', x: 'start x', c: 'start c', X: 'exit x' };
      // prettier-ignore
      const specs    = concat(of(slow, x), hot<ChildSpec>('-------c----', { c })),
            unsub    =                                    '^----------!',
            expected =                                    '(sx)--X--(sxc)',
            cSubs    =                                    '---------^-!';

      const tree$ = specs.pipe(oneForAll());
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(c.subscriptions).toBe(cSubs);
    });
  });

  test('a duplicate id in the initial set: only an error exit, nothing started', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', cold('-'));
      const another = scriptedChild('a', cold('-'));
      const letters = { S: 'started', a: 'start a', Z: 'exit error' };

      const tree$ = of(a, another).pipe(oneForOne());
      expectObservable(treeMarbles(tree$, letters)).toBe('(Z|)');
      expectSubscriptions(a.subscriptions).toBe([]);
    });
  });
});
