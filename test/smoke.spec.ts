import { TestScheduler } from 'rxjs/testing';
import { of, EMPTY, throwError, timer, map } from 'rxjs';
import {
  child,
  genServer,
  oneForOne,
  oneForAll,
  type SupervisorNotification,
} from '../src/index.js';
import { liveActorCount } from '../src/testing/index.js';

const describeN = (n: SupervisorNotification): string => {
  switch (n.kind) {
    case 'started':
      return 'started';
    case 'exit':
      return `exit:${n.reason.kind}`;
    case 'child-started':
      return `start:${n.path.join('/')}#${n.incarnation}`;
    case 'child-exited':
      return `exit:${n.path.join('/')}#${n.incarnation}:${n.reason.kind}`;
    case 'restart':
      return `restart:${n.path.join('/')}[${n.ids.join(',')}]x${n.count}`;
    default:
      return `${n.kind}:${n.path.join('/')}`;
  }
};

test('smoke: one_for_one restarts a crashing plain child until give-up', () => {
  const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
  const log: string[] = [];
  ts.run(({ cold }) => {
    const crash = cold('--#');
    of(
      child('a', () => crash),
      child('b', () => timer(100)),
    )
      .pipe(oneForOne({ intensity: 2, period: 1000 }))
      .subscribe((n) => log.push(`${ts.now()} ${describeN(n)}`));
  });
  expect(log).toMatchInlineSnapshot(`
   [
     "0 started",
     "0 start:a#1",
     "0 start:b#1",
     "2 exit:a#1:error",
     "2 restart:a[a]x1",
     "2 start:a#2",
     "4 exit:a#2:error",
     "4 restart:a[a]x2",
     "4 start:a#3",
     "6 exit:a#3:error",
     "6 give-up:",
     "6 exit:b#1:cancelled",
     "6 exit:error",
   ]
  `);
  expect(liveActorCount()).toBe(0);
});

test('smoke: one_for_all with genServer', () => {
  const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
  const log: string[] = [];
  const w = genServer({ init: (n: number) => n, handleCast: (_: 'x', s: number) => s });
  ts.run(({ cold }) => {
    const crash = cold('-----#');
    const sub = of(
      child('w1', () => w.start(1)),
      child('c', () => crash),
      child('w2', () => w.start(2)),
    )
      .pipe(oneForAll({ intensity: 1, period: 1000 }))
      .subscribe((n) => log.push(`${ts.now()} ${describeN(n)}`));
    ts.schedule(() => sub.unsubscribe(), 8);
  });
  expect(log).toMatchInlineSnapshot(`
   [
     "0 started",
     "0 start:w1#1",
     "0 start:c#1",
     "0 start:w2#1",
     "5 exit:c#1:error",
     "5 restart:c[w1,c,w2]x1",
     "5 exit:w2#1:cancelled",
     "5 exit:w1#1:cancelled",
     "5 start:w1#2",
     "5 start:c#2",
     "5 start:w2#2",
   ]
  `);
  expect(liveActorCount()).toBe(0);
});
