import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { oneForAll } from '../index.js';
import { scriptedChild, treeMarbles } from './index.js';

// The testing guide's example: a user's restart test in about ten lines.
test('db crashes once; one_for_all restarts api with it', () => {
  const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
    const db = scriptedChild('db', [cold('-----#'), cold('-')]); // crashes once, at frame 5
    const api = scriptedChild('api', cold('-')); // runs until stopped
    const tree$ = of(db, api).pipe(oneForAll());
    const letters = { d: 'start db', a: 'start api', D: 'exit db error', A: 'exit api cancelled' };
    expectObservable(treeMarbles(tree$, letters), '^---------!').toBe('(da)-(DAda)');
    expectSubscriptions(api.subscriptions).toBe(['^----!', '-----^----!']);
  });
});
