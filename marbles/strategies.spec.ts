import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Registry, oneForAll, oneForOne, restForOne } from '../src/index.js';
import { scriptedChild, treeMarbles, whereisMarbles } from '../src/testing/index.js';

// Three children a, b, c: lower case is a start, upper case an exit, r a restart.
const letters = {
  a: 'start a',
  b: 'start b',
  c: 'start c',
  A: 'exit a',
  B: 'exit b',
  C: 'exit c',
  r: 'restart',
};

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('one_for_one', () => {
  test('a crash of the first child restarts only it', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', [cold('------#'), cold('-')]);
      const b = scriptedChild('b', cold('-'));
      const c = scriptedChild('c', cold('-'));
      // prettier-ignore
      const unsub    =  '^-----------!',
            expected =  '(abc)-(Ara)  ',
            aSubs    = ['^-----!      ',
                        '------^-----!'],
            bSubs    =  '^-----------!',
            cSubs    =  '^-----------!';

      const tree$ = of(a, b, c).pipe(oneForOne());
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
      expectSubscriptions(c.subscriptions).toBe(cSubs);
    });
  });

  test('a crash of the middle child restarts only it', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', cold('-'));
      const b = scriptedChild('b', [cold('------#'), cold('-')]);
      const c = scriptedChild('c', cold('-'));
      // prettier-ignore
      const unsub    =  '^-----------!',
            expected =  '(abc)-(Brb)  ',
            aSubs    =  '^-----------!',
            bSubs    = ['^-----!      ',
                        '------^-----!'],
            cSubs    =  '^-----------!';

      const tree$ = of(a, b, c).pipe(oneForOne());
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
      expectSubscriptions(c.subscriptions).toBe(cSubs);
    });
  });

  test('a crash of the last child restarts only it; siblings keep their pid', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const registry = new Registry();
      const a = scriptedChild('a', cold('-'));
      const b = scriptedChild('b', cold('-'));
      const c = scriptedChild('c', [cold('------#'), cold('-')]);
      // prettier-ignore
      const unsub    =  '^-----------!',
            expected =  '(abc)-(Crc)  ',
            aSubs    =  '^-----------!',
            bSubs    =  '^-----------!',
            cSubs    = ['^-----!      ',
                        '------^-----!'],
            aPids    =  '1-----------0',
            cPids    =  '1-----(02)--0';

      const tree$ = of(a, b, c).pipe(oneForOne({ registry }));
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectObservable(whereisMarbles(registry, 'a')).toBe(aPids);
      expectObservable(whereisMarbles(registry, 'c')).toBe(cPids);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
      expectSubscriptions(c.subscriptions).toBe(cSubs);
    });
  });
});

describe('one_for_all: the others stop in reverse start order, then all start in start order', () => {
  test('a crash of the first child', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', [cold('------#'), cold('-')]);
      const b = scriptedChild('b', cold('-'));
      const c = scriptedChild('c', cold('-'));
      // prettier-ignore
      const unsub    =  '^-----------!',
            expected =  '(abc)-(ArCBabc)',
            aSubs    = ['^-----!      ',
                        '------^-----!'],
            bSubs    = ['^-----!      ',
                        '------^-----!'],
            cSubs    = ['^-----!      ',
                        '------^-----!'];

      const tree$ = of(a, b, c).pipe(oneForAll());
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
      expectSubscriptions(c.subscriptions).toBe(cSubs);
    });
  });

  test('a crash of the middle child', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', cold('-'));
      const b = scriptedChild('b', [cold('------#'), cold('-')]);
      const c = scriptedChild('c', cold('-'));
      // prettier-ignore
      const unsub    =  '^-----------!',
            expected =  '(abc)-(BrCAabc)',
            aSubs    = ['^-----!      ',
                        '------^-----!'],
            bSubs    = ['^-----!      ',
                        '------^-----!'],
            cSubs    = ['^-----!      ',
                        '------^-----!'];

      const tree$ = of(a, b, c).pipe(oneForAll());
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
      expectSubscriptions(c.subscriptions).toBe(cSubs);
    });
  });

  test('a crash of the last child; every name is down until its child is back', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const registry = new Registry();
      const a = scriptedChild('a', cold('-'));
      const b = scriptedChild('b', cold('-'));
      const c = scriptedChild('c', [cold('------#'), cold('-')]);
      // prettier-ignore
      const unsub    =  '^-----------!',
            expected =  '(abc)-(CrBAabc)',
            aSubs    = ['^-----!      ',
                        '------^-----!'],
            bSubs    = ['^-----!      ',
                        '------^-----!'],
            cSubs    = ['^-----!      ',
                        '------^-----!'],
            aPids    =  '1-----(02)--0',
            bPids    =  '1-----(02)--0';

      const tree$ = of(a, b, c).pipe(oneForAll({ registry }));
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectObservable(whereisMarbles(registry, 'a')).toBe(aPids);
      expectObservable(whereisMarbles(registry, 'b')).toBe(bPids);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
      expectSubscriptions(c.subscriptions).toBe(cSubs);
    });
  });
});

describe('rest_for_one: the crashed child and those started after it', () => {
  test('a crash of the first child restarts all three', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', [cold('------#'), cold('-')]);
      const b = scriptedChild('b', cold('-'));
      const c = scriptedChild('c', cold('-'));
      // prettier-ignore
      const unsub    =  '^-----------!',
            expected =  '(abc)-(ArCBabc)',
            aSubs    = ['^-----!      ',
                        '------^-----!'],
            bSubs    = ['^-----!      ',
                        '------^-----!'],
            cSubs    = ['^-----!      ',
                        '------^-----!'];

      const tree$ = of(a, b, c).pipe(restForOne());
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
      expectSubscriptions(c.subscriptions).toBe(cSubs);
    });
  });

  test('a crash of the middle child restarts it and the last', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', cold('-'));
      const b = scriptedChild('b', [cold('------#'), cold('-')]);
      const c = scriptedChild('c', cold('-'));
      // prettier-ignore
      const unsub    =  '^-----------!',
            expected =  '(abc)-(BrCbc)',
            aSubs    =  '^-----------!',
            bSubs    = ['^-----!      ',
                        '------^-----!'],
            cSubs    = ['^-----!      ',
                        '------^-----!'];

      const tree$ = of(a, b, c).pipe(restForOne());
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
      expectSubscriptions(c.subscriptions).toBe(cSubs);
    });
  });

  test('a crash of the last child restarts only it', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = scriptedChild('a', cold('-'));
      const b = scriptedChild('b', cold('-'));
      const c = scriptedChild('c', [cold('------#'), cold('-')]);
      // prettier-ignore
      const unsub    =  '^-----------!',
            expected =  '(abc)-(Crc)  ',
            aSubs    =  '^-----------!',
            bSubs    =  '^-----------!',
            cSubs    = ['^-----!      ',
                        '------^-----!'];

      const tree$ = of(a, b, c).pipe(restForOne());
      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
      expectSubscriptions(c.subscriptions).toBe(cSubs);
    });
  });
});
