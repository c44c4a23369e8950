import { NEVER, Observable, mergeMap, of, throwError, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  ChildSpecError,
  MaxRestartsExceededError,
  Registry,
  cast,
  child,
  genServer,
  oneForAll,
  oneForOne,
  type SupervisorEvent,
} from '../../src/index.js';
import { liveActorCount } from '../../src/testing/index.js';
import { useUnhandledErrors } from '../support.js';
import { line, reasonOf, runTree } from './tree-log.js';

const newScheduler = (): TestScheduler => new TestScheduler((a, b) => expect(a).toEqual(b));

let before = 0;
beforeEach(() => {
  before = liveActorCount();
});
afterEach(() => {
  expect(liveActorCount()).toBe(before);
});

describe("a child's start", () => {
  test('a start factory that throws is an error exit without a pid, restarted within intensity', () => {
    const boom = new Error('cannot build child');
    const start = jest.fn((): Observable<unknown> => {
      throw boom;
    });
    const ts = newScheduler();
    let out: ReturnType<typeof runTree> | undefined;
    ts.run(() => {
      out = runTree(ts, of(child('a', start)).pipe(oneForOne({ intensity: 2 })));
    });
    const { log, all } = out!;
    expect(log).toEqual([
      '0 started',
      '0 child-exited a#1 error',
      '0 restart a x1',
      '0 child-exited a#2 error',
      '0 restart a x2',
      '0 child-exited a#3 error',
      '0 give-up ',
      '0 exit error',
    ]);
    expect(start).toHaveBeenCalledTimes(3);
    for (const n of all) {
      if (n.kind === 'child-exited') {
        expect(n.pid).toBeUndefined();
        expect(n.reason).toEqual({ kind: 'error', error: boom });
      }
    }
  });

  test('a start factory that throws does not disturb its siblings', () => {
    const ts = newScheduler();
    let out: ReturnType<typeof runTree> | undefined;
    let calls = 0;
    ts.run(() => {
      out = runTree(
        ts,
        of(
          child('ok', () => NEVER),
          child('flaky', () => {
            if (++calls === 1) throw new Error('first start fails');
            return NEVER;
          }),
        ).pipe(oneForOne()),
      );
    });
    expect(out!.log).toEqual([
      '0 started',
      '0 child-started ok#1',
      '0 child-exited flaky#1 error',
      '0 restart flaky x1',
      '0 child-started flaky#2',
    ]);
  });

  test('a start that returns something other than an Observable is an error exit naming the child', () => {
    const ts = newScheduler();
    let out: ReturnType<typeof runTree> | undefined;
    ts.run(() => {
      const notObservable = (): Observable<unknown> =>
        Promise.resolve(1) as unknown as Observable<unknown>;
      out = runTree(ts, of(child('p', notObservable)).pipe(oneForOne({ intensity: 0 })));
    });
    const exited = out!.all.find((n) => n.kind === 'child-exited');
    const reason = reasonOf(exited);
    expect(reason?.kind).toBe('error');
    const error = reason?.kind === 'error' ? reason.error : undefined;
    expect(error).toBeInstanceOf(ChildSpecError);
    expect(error).toMatchObject({ childId: 'p', field: 'start' });
    expect(out!.log.slice(-2)).toEqual(['0 give-up ', '0 exit error']);
  });

  test("a plain child that fails while being subscribed (cold('#')) is started, then exits with the error", () => {
    const ts = newScheduler();
    let out: ReturnType<typeof runTree> | undefined;
    ts.run(({ cold }) => {
      const failing = cold('#', undefined, new Error('at once'));
      out = runTree(ts, of(child('f', () => failing)).pipe(oneForOne({ intensity: 1 })));
    });
    expect(out!.log).toEqual([
      '0 started',
      '0 child-started f#1',
      '0 child-exited f#1 error',
      '0 restart f x1',
      '0 child-started f#2',
      '0 child-exited f#2 error',
      '0 give-up ',
      '0 exit error',
    ]);
  });

  test('a plain child built on throwError or a throwing subscribe function fails the same way', () => {
    const boom = new Error('subscribe failed');
    for (const failing of [
      throwError(() => boom),
      new Observable<never>(() => {
        throw boom;
      }),
    ]) {
      const ts = newScheduler();
      let out: ReturnType<typeof runTree> | undefined;
      ts.run(() => {
        out = runTree(ts, of(child('f', () => failing)).pipe(oneForOne({ intensity: 0 })));
      });
      expect(out!.log).toEqual([
        '0 started',
        '0 child-started f#1',
        '0 child-exited f#1 error',
        '0 give-up ',
        '0 exit error',
      ]);
      expect(reasonOf(out!.all[2])).toEqual({ kind: 'error', error: boom });
    }
  });

  test('a genServer whose init throws synchronously exits without ever being started', () => {
    const boom = new Error('init failed');
    const failing = genServer({
      init: (): number => {
        throw boom;
      },
      terminate: () => {
        throw new Error('terminate must not run after a failed init');
      },
    });
    const ts = newScheduler();
    let out: ReturnType<typeof runTree> | undefined;
    ts.run(() => {
      out = runTree(ts, of(child('g', () => failing.start())).pipe(oneForOne({ intensity: 0 })));
    });
    expect(out!.log).toEqual([
      '0 started',
      '0 child-exited g#1 error',
      '0 give-up ',
      '0 exit error',
    ]);
    expect(reasonOf(out!.all[1])).toEqual({ kind: 'error', error: boom });
  });
});

describe('a child that crashes on every start', () => {
  test('is restarted intensity times, then the supervisor gives up: never a hot loop', () => {
    let starts = 0;
    const doomed = genServer({
      init: (): number => {
        throw new Error(`start ${++starts} failed`);
      },
    });
    const ts = newScheduler();
    let out: ReturnType<typeof runTree> | undefined;
    ts.run(() => {
      out = runTree(
        ts,
        of(
          child('ok', () => NEVER),
          child('doomed', () => doomed.start()),
        ).pipe(oneForOne({ intensity: 3, period: 5000 })),
      );
    });
    expect(starts).toBe(4);
    const { all, log } = out!;
    expect(log.slice(-4)).toEqual([
      '0 child-exited doomed#4 error',
      '0 give-up ',
      '0 child-exited ok#1 cancelled',
      '0 exit error',
    ]);
    const giveUp = all.find((n) => n.kind === 'give-up') as Extract<
      SupervisorEvent,
      { kind: 'give-up' }
    >;
    expect(giveUp.error).toBeInstanceOf(MaxRestartsExceededError);
    expect(giveUp.error).toMatchObject({ childId: 'doomed', restarts: 4, period: 5000 });
    expect(reasonOf(all.at(-1))).toEqual({ kind: 'error', error: giveUp.error });
  });

  test('with a backoff the failing starts are spread out on the scheduler', () => {
    let starts = 0;
    const ts = newScheduler();
    let out: ReturnType<typeof runTree> | undefined;
    ts.run(({ cold }) => {
      out = runTree(
        ts,
        of(
          child('doomed', () => {
            starts++;
            return cold('#');
          }),
        ).pipe(oneForOne({ intensity: 3, period: 5000, backoff: { min: 10, max: 40 } })),
      );
    });
    expect(starts).toBe(4);
    expect(out!.log.filter((l) => l.includes('child-started'))).toEqual([
      '0 child-started doomed#1',
      '10 child-started doomed#2',
      '30 child-started doomed#3',
      '70 child-started doomed#4',
    ]);
    expect(out!.log.at(-1)).toBe('70 exit error');
  });

  test('escalation is bounded at every level of a tree', () => {
    let starts = 0;
    const ts = newScheduler();
    let out: ReturnType<typeof runTree> | undefined;
    ts.run(({ cold }) => {
      const leaf = child('leaf', () => {
        starts++;
        return cold('#');
      });
      out = runTree(
        ts,
        of(child('sub', () => of(leaf).pipe(oneForOne({ intensity: 1 })))).pipe(
          oneForOne({ intensity: 1 }),
        ),
      );
    });
    // Each of the two incarnations of 'sub' starts 'leaf' twice before giving up.
    expect(starts).toBe(4);
    expect(out!.log.filter((l) => l.includes('give-up'))).toEqual([
      '0 give-up sub',
      '0 give-up sub',
      '0 give-up ',
    ]);
    expect(out!.log.at(-1)).toBe('0 exit error');
  });
});

describe('errors in code the supervisor calls back', () => {
  const reported = useUnhandledErrors();

  test('an events subscriber that throws leaves the supervisor undisturbed; the error reaches onUnhandledError', () => {
    const ts = newScheduler();
    const oops = new Error('subscriber bug');
    const log: string[] = [];
    ts.run(() => {
      const registry = new Registry();
      const sub = of(
        child('a', () => crashOn.start()),
        child('b', () => crashOn.start()),
      )
        .pipe(oneForOne({ registry }))
        .subscribe((n) => {
          log.push(line(ts, n));
          if (n.kind === 'child-started' && n.path[0] === 'a') throw oops;
        });
      ts.schedule(() => cast(registry.whereis('a')!, 'crash'), 5);
      ts.schedule(() => sub.unsubscribe(), 10);
    });
    expect(log).toEqual([
      '0 started',
      '0 child-started a#1',
      '0 child-started b#1',
      '5 child-exited a#1 error',
      '5 restart a x1',
      '5 child-started a#2',
    ]);
    expect(reported().mock.calls).toEqual([[oops], [oops]]);
  });

  test('a whereis$ subscriber that throws while the supervisor registers a child leaves it undisturbed', () => {
    const ts = newScheduler();
    const oops = new Error('watcher bug');
    const log: string[] = [];
    ts.run(() => {
      const registry = new Registry();
      registry.whereis$('a').subscribe((pid) => {
        if (pid !== undefined) throw oops;
      });
      const sub = of(
        child('a', () => crashOn.start()),
        child('b', () => crashOn.start()),
      )
        .pipe(oneForOne({ registry }))
        .subscribe((n) => log.push(line(ts, n)));
      ts.schedule(() => cast(registry.whereis('a')!, 'crash'), 5);
      ts.schedule(() => sub.unsubscribe(), 10);
    });
    expect(log).toEqual([
      '0 started',
      '0 child-started a#1',
      '0 child-started b#1',
      '5 child-exited a#1 error',
      '5 restart a x1',
      '5 child-started a#2',
    ]);
    expect(reported().mock.calls).toEqual([[oops], [oops]]);
  });

  test('a backoff function that throws is reported and the restart goes ahead at once', () => {
    const oops = new Error('backoff bug');
    const ts = newScheduler();
    let out: ReturnType<typeof runTree> | undefined;
    ts.run(({ cold }) => {
      out = runTree(
        ts,
        of(child('a', () => cold('-----#'))).pipe(
          oneForOne({
            intensity: 1,
            backoff: () => {
              throw oops;
            },
          }),
        ),
        7,
      );
    });
    expect(out!.log).toEqual([
      '0 started',
      '0 child-started a#1',
      '5 child-exited a#1 error',
      '5 restart a x1',
      '5 child-started a#2',
    ]);
    expect(reported().mock.calls).toEqual([[oops]]);
  });

  test('a backoff function that returns no usable delay is reported and the restart goes ahead at once', () => {
    const ts = newScheduler();
    let out: ReturnType<typeof runTree> | undefined;
    ts.run(({ cold }) => {
      out = runTree(
        ts,
        of(child('a', () => cold('-----#'))).pipe(
          oneForOne({ intensity: 1, backoff: () => Number.NaN }),
        ),
        7,
      );
    });
    expect(out!.log.at(-1)).toBe('5 child-started a#2');
    expect(reported()).toHaveBeenCalledTimes(1);
    expect(reported()).toHaveBeenCalledWith(expect.any(RangeError));
  });

  test('a backoff.random that throws is reported and the restart goes ahead at once', () => {
    const oops = new Error('random bug');
    const ts = newScheduler();
    let out: ReturnType<typeof runTree> | undefined;
    ts.run(({ cold }) => {
      out = runTree(
        ts,
        of(child('a', () => cold('-----#'))).pipe(
          oneForOne({
            intensity: 1,
            backoff: {
              min: 100,
              max: 100,
              jitter: 0.5,
              random: () => {
                throw oops;
              },
            },
          }),
        ),
        7,
      );
    });
    expect(out!.log).toEqual([
      '0 started',
      '0 child-started a#1',
      '5 child-exited a#1 error',
      '5 restart a x1',
      '5 child-started a#2',
    ]);
    expect(reported().mock.calls).toEqual([[oops]]);
  });
});

describe("a child's terminate that fails", () => {
  const reported = useUnhandledErrors();

  test('rejecting during a one_for_all restart: the exit keeps its reason and the restart goes on', () => {
    const ts = newScheduler();
    const times: number[] = [];
    reported().mockImplementation(() => void times.push(ts.now()));
    const oops = new Error('async terminate bug');
    let out: ReturnType<typeof runTree> | undefined;
    ts.run(({ cold }) => {
      const bad = genServer({
        init: () => 0,
        terminate: () => timer(3).pipe(mergeMap(() => throwError(() => oops))),
      });
      out = runTree(
        ts,
        of(
          child('bad', () => bad.start()),
          child('crashy', () => cold('--#')),
        ).pipe(oneForAll({ intensity: 1 })),
        20,
      );
    });
    expect(out!.log.slice(3, 8)).toEqual([
      '2 child-exited crashy#1 error',
      '2 restart crashy x1',
      '5 child-exited bad#1 cancelled',
      '5 child-started bad#2',
      '5 child-started crashy#2',
    ]);
    // bad#1's terminate during the restart, then bad#2's when crashy#2's crash at 7 ends the tree.
    expect(reported().mock.calls).toEqual([[oops], [oops]]);
    expect(times).toEqual([5, 10]);
  });
});

const crashOn = genServer({
  init: () => 0,
  handleCast: (_msg: 'crash', _n: number): number => {
    throw new Error('crash requested');
  },
});
