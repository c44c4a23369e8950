import { of, tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { child, oneForOne, type ChildSpec } from '../index.js';
import { describeEvent } from './describe-event.js';
import { scriptedChild } from './scripted-child.js';

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

test('describeEvent puts every kind of notification in words, with nested paths', () => {
  const log: string[] = [];
  const ts = testScheduler();
  ts.run(({ cold, expectObservable }) => {
    const w = scriptedChild('w', cold('--#'));
    const inner = child('inner', () =>
      of(w).pipe(oneForOne({ intensity: 1, backoff: { min: 3, max: 3 } })),
    );
    const tree$ = of(inner).pipe(
      oneForOne({ intensity: 0 }),
      tap((n) => log.push(`${ts.now()} ${describeEvent(n)}`)),
    );
    expectObservable(tree$);
  });
  expect(log).toEqual([
    '0 started',
    '0 start inner',
    '0 start inner/w',
    '2 exit inner/w error',
    '2 restart inner/w 1',
    '2 backoff inner/w 3',
    '5 start inner/w',
    '7 exit inner/w error',
    '7 give-up inner',
    '7 exit inner error',
    '7 give-up',
    '7 exit error',
  ]);
});

test('describeEvent: a normal exit and a refused spec', () => {
  const log: string[] = [];
  const ts = testScheduler();
  ts.run(({ cold, hot, expectObservable }) => {
    const a = scriptedChild('a', cold('-|'));
    const b = scriptedChild('b', cold('-'));
    const specs = hot<ChildSpec>('a-b-a', { a, b });
    const tree$ = specs.pipe(
      oneForOne(),
      tap((n) => log.push(`${ts.now()} ${describeEvent(n)}`)),
    );
    expectObservable(tree$, '^-----!');
  });
  expect(log).toEqual(['0 started', '0 start a', '1 exit a normal', '2 start b', '4 refused a']);
});
