import { finalize, interval, map, of, take, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  Registry,
  child,
  oneForOne,
  published$,
  via,
  type ChildSpec,
  type SupervisorNotification,
  type SupervisorOptions,
} from '../../src/index.js';
import { liveActorCount } from '../../src/testing/index.js';

const newScheduler = (): TestScheduler => new TestScheduler((a, b) => expect(a).toEqual(b));

/** One line per event, with its virtual time. */
const line = (ts: TestScheduler, n: SupervisorNotification): string => {
  const at = ts.now();
  switch (n.kind) {
    case 'child-started':
      return `${at} start ${n.path.join('/')}#${n.incarnation}`;
    case 'child-exited':
      return `${at} exit ${n.path.join('/')}#${n.incarnation} ${n.reason.kind}`;
    case 'exit':
      return `${at} supervisor ${n.reason.kind}`;
    default:
      return `${at} ${n.kind}`;
  }
};

/** Runs one supervised child on virtual time until `until`, logging the tree's events. */
function supervised(
  ts: TestScheduler,
  spec: ChildSpec,
  options: SupervisorOptions,
  until: number,
): { log: string[]; registry: Registry } {
  const log: string[] = [];
  const registry = new Registry();
  const sub = of(spec)
    .pipe(oneForOne({ registry, ...options }))
    .subscribe((n) => log.push(line(ts, n)));
  ts.schedule(() => sub.unsubscribe(), until);
  return { log, registry };
}

let before = 0;
beforeEach(() => {
  before = liveActorCount();
});
afterEach(() => {
  expect(liveActorCount()).toBe(before);
});

test('an interval poller that completes exits normal and, being transient, stays down', () => {
  const ts = newScheduler();
  let out: { log: string[]; registry: Registry } | undefined;
  const values: string[] = [];
  ts.run(() => {
    out = supervised(
      ts,
      child('poll', () => interval(10).pipe(take(3))),
      {},
      100,
    );
    published$(via<{ published: number }>(out.registry, 'poll')).subscribe((v) =>
      values.push(`${ts.now()} ${v}`),
    );
  });
  expect(out!.log).toEqual(['0 started', '0 start poll#1', '30 exit poll#1 normal']);
  expect(values).toEqual(['10 0', '20 1', '30 2']);
});

test('an Observable that errors exits with that error and is restarted', () => {
  const ts = newScheduler();
  const boom = new Error('poll failed');
  const reasons: unknown[] = [];
  let log: string[] = [];
  ts.run(({ cold }) => {
    const registry = new Registry();
    const sub = of(child('poll', () => cold('-----#', undefined, boom)))
      .pipe(oneForOne({ registry, intensity: 1, period: 1000 }))
      .subscribe((n) => {
        log.push(line(ts, n));
        if (n.kind === 'child-exited') reasons.push(n.reason);
      });
    ts.schedule(() => sub.unsubscribe(), 100);
  });
  log = log.filter((l) => !l.endsWith('restart'));
  expect(log).toEqual([
    '0 started',
    '0 start poll#1',
    '5 exit poll#1 error',
    '5 start poll#2',
    '10 exit poll#2 error',
    '10 give-up',
    '10 supervisor error',
  ]);
  expect(reasons).toEqual([
    { kind: 'error', error: boom },
    { kind: 'error', error: boom },
  ]);
});

test('published$ through the name keeps receiving values across restarts', () => {
  const ts = newScheduler();
  ts.run(({ expectObservable }) => {
    const registry = new Registry();
    // Permanent: each normal completion is followed by a fresh incarnation.
    const sub = of(child('poll', () => interval(10).pipe(take(2)), { restart: 'permanent' }))
      .pipe(oneForOne({ registry, intensity: 10, period: 1000 }))
      .subscribe();
    ts.schedule(() => sub.unsubscribe(), 200);
    expectObservable(published$(via<{ published: number }>(registry, 'poll')).pipe(take(6))).toBe(
      '10ms a 9ms b 9ms a 9ms b 9ms a 9ms (b|)',
      { a: 0, b: 1 },
    );
  });
});

test('published$ through the name follows a poller that crashes and is restarted', () => {
  const ts = newScheduler();
  let log: string[] = [];
  ts.run(({ expectObservable }) => {
    const crashing = (): Observable<number> =>
      interval(10).pipe(
        map((i) => {
          if (i === 2) throw new Error('third poll failed');
          return i;
        }),
      );
    const out = supervised(ts, child('poll', crashing), { intensity: 10, period: 1000 }, 200);
    log = out.log;
    expectObservable(
      published$(via<{ published: number }>(out.registry, 'poll')).pipe(take(4)),
    ).toBe('10ms a 9ms b 19ms a 9ms (b|)', { a: 0, b: 1 });
  });
  expect(log.slice(0, 5)).toEqual([
    '0 started',
    '0 start poll#1',
    '30 exit poll#1 error',
    '30 restart',
    '30 start poll#2',
  ]);
});

test('published$ of one incarnation pid completes when that incarnation exits', () => {
  const ts = newScheduler();
  ts.run(({ expectObservable }) => {
    const registry = new Registry();
    const sub = of(child('poll', () => interval(10).pipe(take(2)), { restart: 'permanent' }))
      .pipe(oneForOne({ registry }))
      .subscribe();
    ts.schedule(() => sub.unsubscribe(), 100);
    expectObservable(published$(registry.whereis('poll')!)).toBe('10ms a 9ms (b|)', {
      a: 0,
      b: 1,
    });
  });
});

test('stopping a plain child unsubscribes its Observable', () => {
  const ts = newScheduler();
  const torn: number[] = [];
  ts.run(() => {
    const sub = of(child('poll', () => interval(10).pipe(finalize(() => torn.push(ts.now())))))
      .pipe(oneForOne())
      .subscribe();
    ts.schedule(() => sub.unsubscribe(), 35);
  });
  expect(torn).toEqual([35]);
});
