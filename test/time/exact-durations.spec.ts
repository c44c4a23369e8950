/**
 * Every duration is exact over its whole range. Node clamps a timer of 2^31 ms
 * or more to 1 ms; rxotp schedules such a delay in chunks on the same
 * scheduler. On virtual time, 3e9 ms fires at 3e9 and not one frame before.
 */
import {
  NEVER,
  Subject,
  asyncScheduler,
  catchError,
  filter,
  of,
  throwError,
  type Observable,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  CallTimeoutError,
  call,
  call$,
  child,
  genServer,
  oneForAll,
  oneForOne,
  spawn,
  stop,
  type Pid,
  type SupervisorNotification,
} from '../../src/index.js';
import { MAX_TIMER_MS, scheduleAfter } from '../../src/time/schedule-after.js';
import { scheduleEvery } from '../../src/time/schedule-every.js';
import { exitOf } from '../support.js';

const LONG = 3e9;

/** Waits for n timers of 1 ms, one after the other. */
const nextMacrotasks = (n: number): Promise<void> =>
  n === 0
    ? Promise.resolve()
    : new Promise((done) => setTimeout(done, 1)).then(() => nextMacrotasks(n - 1));
const virtual = (): TestScheduler => new TestScheduler((a, b) => expect(a).toEqual(b));

/** Answers 'later' never (a deferred reply that never comes); takes 'tick' as info. */
const silent = genServer({
  init: () => [] as number[],
  handleCall: (_: 'later', _from, s: number[]) => ({ noreply: true as const, state: s }),
  handleInfo: (_: 'tick', s: number[], ctx) => [...s, ctx.scheduler.now()],
});

/** The times (scheduler.now()) at which a tree emits the events `pick` keeps. */
function timesOf(
  scheduler: TestScheduler,
  tree$: Observable<SupervisorNotification>,
  pick: (n: SupervisorNotification) => boolean,
): number[] {
  const times: number[] = [];
  const subscription = tree$.pipe(filter(pick)).subscribe(() => times.push(scheduler.now()));
  scheduler.schedule(() => subscription.unsubscribe(), 3 * LONG + 1);
  return times;
}

describe('scheduleAfter', () => {
  it('fires a delay above the timer limit exactly once, at the delay', () => {
    const scheduler = virtual();
    const fired: number[] = [];
    scheduler.run(() => {
      scheduleAfter(scheduler, LONG, () => fired.push(scheduler.now()));
      scheduleAfter(scheduler, MAX_TIMER_MS + 1, () => fired.push(scheduler.now()));
    });
    expect(fired).toEqual([MAX_TIMER_MS + 1, LONG]);
  });

  it('never fires for Infinity, and a cancelled chain never fires', () => {
    const scheduler = virtual();
    const fired: number[] = [];
    scheduler.run(() => {
      const forever = scheduleAfter(scheduler, Infinity, () => fired.push(1));
      expect(forever.closed).toBe(false);
      const cancelled = scheduleAfter(scheduler, LONG, () => fired.push(2));
      scheduler.schedule(() => cancelled.unsubscribe(), MAX_TIMER_MS + 5);
    });
    expect(fired).toEqual([]);
  });
});

describe('scheduleEvery (the observer refreshInterval)', () => {
  it('repeats a period above the timer limit exactly, until unsubscribed', () => {
    const scheduler = virtual();
    const fired: number[] = [];
    scheduler.run(() => {
      const every = scheduleEvery(scheduler, LONG, () => fired.push(scheduler.now()));
      scheduler.schedule(() => every.unsubscribe(), 3 * LONG + 1);
    });
    expect(fired).toEqual([LONG, 2 * LONG, 3 * LONG]);
  });

  it('on real time, a period of 3e9 has not run after later timers ran', async () => {
    let runs = 0;
    const every = scheduleEvery(asyncScheduler, LONG, () => runs++);
    await nextMacrotasks(5);
    expect(runs).toBe(0);
    every.unsubscribe();
  });
});

describe('durations above 2^31 ms, on virtual time', () => {
  it('a call timeout of 3e9 rejects at 3e9', () => {
    virtual().run(({ expectObservable }) => {
      const pid = spawn(silent, undefined);
      const outcome$ = call$(pid, 'later', { timeout: LONG }).pipe(
        catchError((e: unknown) => of(e instanceof CallTimeoutError ? 'timeout' : 'other')),
      );
      expectObservable(outcome$).toBe(`${LONG}ms (t|)`, { t: 'timeout' });
    });
  });

  it('sendAfter(3e9) delivers at 3e9', () => {
    const scheduler = virtual();
    let received: number[] = [];
    scheduler.run(() => {
      const watcher = genServer({
        init: (_: void, ctx) => {
          ctx.sendAfter(LONG, 'tick');
          return [] as number[];
        },
        handleInfo: (_: 'tick', s: number[], ctx) => (received = [...s, ctx.scheduler.now()]),
      });
      const pid = spawn(watcher, undefined);
      scheduler.schedule(() => stop(pid), 2 * LONG);
    });
    expect(received).toEqual([LONG]);
  });

  it("a sibling's shutdown of 3e9 abandons its terminate at 3e9", () => {
    const scheduler = virtual();
    let exits: number[] = [];
    scheduler.run(({ cold }) => {
      const slow = child(
        'slow',
        () => genServer({ init: () => 0, terminate: () => NEVER }).start(),
        {
          shutdown: LONG,
        },
      );
      let crashes = 0;
      const crash = child('crash', () => (++crashes === 1 ? cold('-----#') : cold('-')));
      exits = timesOf(
        scheduler,
        of(slow, crash).pipe(oneForAll()),
        (n) => n.kind === 'child-exited' && n.path[0] === 'slow',
      );
    });
    expect(exits).toEqual([5 + LONG]);
  });

  it('a backoff of { min: 3e9, max: 3e9 } restarts at 3e9 intervals', () => {
    const scheduler = virtual();
    let starts: number[] = [];
    scheduler.run(({ cold }) => {
      const tree$ = of(child('x', () => cold('#'))).pipe(
        oneForOne({ intensity: Infinity, backoff: { min: LONG, max: LONG } }),
      );
      starts = timesOf(scheduler, tree$, (n) => n.kind === 'child-started');
    });
    expect(starts).toEqual([0, LONG, 2 * LONG, 3 * LONG]);
  });
});

describe('durations above 2^31 ms, on real time', () => {
  it('a call with timeout 2^31 is still waiting after later timers ran', async () => {
    const pid = spawn(silent, undefined);
    let settled: unknown = 'pending';
    const pending = call(pid, 'later', { timeout: 2 ** 31 }).then(
      () => (settled = 'replied'),
      (e: Error) => (settled = e.name),
    );
    await nextMacrotasks(5);
    expect(settled).toBe('pending');
    stop(pid);
    await pending;
    expect(settled).toBe('ActorExitError');
  });

  it('sendAfter(3e9) has not fired after later timers ran', async () => {
    const pid = spawn(
      genServer({
        init: (_: void, ctx) => {
          ctx.sendAfter(LONG, 'boom');
          return 0;
        },
        handleInfo: (_: 'boom'): number => {
          throw new Error('fired early');
        },
      }),
      undefined,
    );
    await nextMacrotasks(5);
    expect(exitOf(pid)).toBeUndefined();
    stop(pid);
  });

  it('a backoff of { min: 3e9, max: 3e9 } has not restarted after later timers ran', async () => {
    let restarts = 0;
    const subscription = of(child('x', () => throwError(() => new Error('x'))))
      .pipe(oneForOne({ backoff: { min: LONG, max: LONG } }))
      .subscribe((n) => {
        if (n.kind === 'child-started' && n.incarnation > 1) restarts++;
      });
    await nextMacrotasks(5);
    expect(restarts).toBe(0);
    subscription.unsubscribe();
  });

  it('a shutdown of 3e9 has not abandoned a terminate after later timers ran', async () => {
    const exited: string[] = [];
    let supervisor: Pid | undefined;
    // Its terminate ends when the test ends it, so no 3e9 ms timer outlives the test.
    const done = new Subject<void>();
    const slow = child('slow', () => genServer({ init: () => 0, terminate: () => done }).start(), {
      shutdown: LONG,
    });
    const subscription = of(slow)
      .pipe(oneForOne())
      .subscribe((n) => {
        if (n.kind === 'started') supervisor = n.pid;
        if (n.kind === 'child-started') stop(supervisor!);
        if (n.kind === 'child-exited') exited.push(n.path.join('/'));
      });
    await nextMacrotasks(5);
    expect(exited).toEqual([]);
    done.complete();
    expect(exited).toEqual(['slow']);
    subscription.unsubscribe();
  });
});

describe('bad durations', () => {
  it('a negative, NaN or non-number sendAfter delay crashes the actor with an error naming it', () => {
    for (const delay of [-1, NaN, '5', Symbol('ms')]) {
      const pid = spawn(
        genServer({
          init: (_: void, ctx) => {
            ctx.sendAfter(delay as number, 'tick');
            return 0;
          },
        }),
        undefined,
      );
      const reason = exitOf(pid);
      expect(reason?.kind).toBe('error');
      const error = (reason as { error: Error }).error;
      expect(error).toBeInstanceOf(typeof delay === 'number' ? RangeError : TypeError);
      expect(error.message).toMatch(/^sendAfter: delay must be a number of ms >= 0/);
    }
  });

  it('a negative, NaN or non-number call timeout throws, naming call and the option', () => {
    const pid = spawn(silent, undefined);
    for (const timeout of [-1, NaN, '5', Symbol('ms')]) {
      expect(() => call(pid, 'later', { timeout: timeout as number })).toThrow(
        /^call: options\.timeout must be a number of ms >= 0 \(or Infinity\), got /,
      );
    }
    stop(pid);
  });
});
