import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { oneForOne, type SupervisorNotification } from '../index.js';
import { scriptedChild } from './scripted-child.js';
import { treeMarbles } from './tree-marbles.js';

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('treeMarbles', () => {
  test('the doc example', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const tree$ = of(scriptedChild('a', cold('-----#'))).pipe(oneForOne({ intensity: 1 }));
      const letters = { s: 'start a', x: 'exit a', r: 'restart a', Z: 'exit error' };
      expectObservable(treeMarbles(tree$, letters)).toBe('s----(xrs)(xZ|)');
    });
  });

  test('a pattern matches whole words: exit a is not exit ab', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = scriptedChild('a', cold('--|'));
      const ab = scriptedChild('ab', cold('----|'));
      // prettier-ignore
      const unsub    = '^-----!',
            expected = '--x-y';

      const tree$ = of(a, ab).pipe(oneForOne());
      expectObservable(treeMarbles(tree$, { x: 'exit a', y: 'exit ab' }), unsub).toBe(expected);
    });
  });

  test('the longest matching pattern wins; events no letter stands for are left out', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = scriptedChild('a', [cold('--#'), cold('--|')]);
      // prettier-ignore
      const unsub    = '^-----!',
            expected = '--E-N';

      const tree$ = of(a).pipe(oneForOne());
      expectObservable(treeMarbles(tree$, { N: 'exit', E: 'exit a error' }), unsub).toBe(expected);
    });
  });

  test('a function picks the letter', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = scriptedChild('a', [cold('--#'), cold('-')]);
      const letter = (n: SupervisorNotification): string | undefined =>
        n.kind === 'child-started' ? String(n.incarnation) : undefined;
      // prettier-ignore
      const unsub    = '^---!',
            expected = '1-2  ';

      expectObservable(treeMarbles(of(a).pipe(oneForOne()), letter), unsub).toBe(expected);
    });
  });

  test('letters that cannot be marble values, or one pattern for two letters, are refused at once', () => {
    const tree$ = of(scriptedChild('a', of(1))).pipe(oneForOne());
    expect(() => treeMarbles(tree$, { '-': 'start a' })).toThrow(/'-' cannot be a marble letter/);
    expect(() => treeMarbles(tree$, { ab: 'start a' })).toThrow(/'ab' cannot be a marble letter/);
    expect(() => treeMarbles(tree$, { a: ' ' })).toThrow(/letter 'a' needs a pattern/);
    expect(() => treeMarbles(tree$, { a: 'start a', b: 'start a' })).toThrow(
      /letters 'a' and 'b' both stand for 'start a'/,
    );
  });
});
