import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Registry, oneForAll, oneForOne } from '../index.js';
import { scriptedChild } from './scripted-child.js';
import { treeMarbles } from './tree-marbles.js';
import { whereisMarbles } from './whereis-marbles.js';

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('whereisMarbles', () => {
  test('the doc example', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const registry = new Registry();
      const tree$ = of(scriptedChild('a', [cold('--#'), cold('-----')])).pipe(
        oneForOne({ registry }),
      );
      expectObservable(treeMarbles(tree$, { s: 'start a' }), '^------!').toBe('s-s');
      expectObservable(whereisMarbles(registry, 'a')).toBe('1-(02)-0'); // 0: freed by the teardown at 7
    });
  });

  test('watched before the tree starts, it counts incarnations from 1', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const registry = new Registry();
      const a = scriptedChild('a', [cold('------#'), cold('-')]);
      const b = scriptedChild('b', cold('-'));
      const tree$ = of(a, b).pipe(oneForAll({ registry }));
      // prettier-ignore
      const unsub = '^---------!',
            bPids = '(01)--(02)0';

      expectObservable(whereisMarbles(registry, 'b')).toBe(bPids);
      expectObservable(treeMarbles(tree$, {}), unsub).toBe('');
    });
  });
});
