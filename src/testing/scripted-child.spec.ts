import { of, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ChildSpecError, oneForAll, oneForOne } from '../index.js';
import { scriptedChild } from './scripted-child.js';
import { treeMarbles } from './tree-marbles.js';

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('scriptedChild', () => {
  test('the doc example', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', [cold('--#'), cold('-----')]); // crashes once
      const b = scriptedChild('b', cold('-------'), { restart: 'permanent' });
      const tree$ = of(a, b).pipe(oneForOne());
      const letters = { s: 'start a', x: 'exit a' };
      expectObservable(treeMarbles(tree$, letters), '^------!').toBe('s-(xs)');
      expectSubscriptions(a.subscriptions).toBe(['^-!', '--^----!']);
    });
  });

  test('the interface doc example', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', [cold('--#'), cold('-')]); // crashes once, at frame 2
      const tree$ = of(a).pipe(oneForOne());
      expectObservable(treeMarbles(tree$, { s: 'start a' }), '^---!').toBe('s-s');
      expectSubscriptions(a.subscriptions).toBe(['^-!', '--^-!']);
    });
  });

  test('one script is followed by every incarnation', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', cold('--#'));
      // prettier-ignore
      const unsub    =  '^-----!',
            expected =  's-s-s-',
            aSubs    = ['^-!    ',
                        '--^-!  ',
                        '----^-!'];

      const tree$ = of(a).pipe(oneForOne({ intensity: Infinity }));
      expectObservable(treeMarbles(tree$, { s: 'start a' }), unsub).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
    });
  });

  test('the n-th start follows the n-th script, the last repeats, and a repeated script is logged once per start', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const crash = cold('--#');
      const a = scriptedChild('a', [crash, cold('---#'), crash], { restart: 'permanent' });
      // prettier-ignore
      const unsub    =  '^----------!',
            expected =  's-s--s-s-s-',
            aSubs    = ['^-!         ',
                        '--^--!      ',
                        '-----^-!    ',
                        '-------^-!  ',
                        '---------^-!'];

      const tree$ = of(a).pipe(oneForOne({ intensity: Infinity }));
      expectObservable(treeMarbles(tree$, { s: 'start a' }), unsub).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
    });
  });

  test('starts are counted over the whole test, across restarts of its supervisor', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', [cold('-----#'), cold('-')]);
      const b = scriptedChild('b', [cold('-'), cold('-----#'), cold('-')]);
      // a's crash restarts b, and b's second script crashes once more.
      // prettier-ignore
      const unsub    =  '^-------------!',
            expected =  '(ab)-(ab)-(ab)',
            bSubs    = ['^----!         ',
                        '-----^----!    ',
                        '----------^---!'];

      const tree$ = of(a, b).pipe(oneForAll());
      expectObservable(treeMarbles(tree$, { a: 'start a', b: 'start b' }), unsub).toBe(expected);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
    });
  });

  test('any Observable can be a script; only cold() ones are logged', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', [timer(3), cold('-')]);
      const tree$ = of(a).pipe(oneForOne());
      const letters = { s: 'start a', x: 'exit a normal' };
      expectObservable(treeMarbles(tree$, letters), '^-----!').toBe('s--x');
      expectSubscriptions(a.subscriptions).toBe([]);
    });
  });

  test('the options are checked like child() checks them', () => {
    testScheduler().run(({ cold }) => {
      expect(() => scriptedChild('a', cold('-'), { restart: 'sometimes' as 'permanent' })).toThrow(
        ChildSpecError,
      );
      expect(() => scriptedChild('', cold('-'))).toThrow(ChildSpecError);
      expect(() => scriptedChild('a', [])).toThrow(/child 'a' needs at least one script/);
    });
  });
});
