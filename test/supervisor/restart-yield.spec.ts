/**
 * A child that fails forever under `intensity: Infinity` never starves the
 * event loop: after a bound of restarts in one macrotask, the next waits for
 * the next macrotask, so timers run and the heap stays flat while it loops.
 * These tests assert order (what ran while the loop went on), not time.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { defer, filter, map, throwError, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { child, supervise, type SupervisorNotification } from '../../src/index.js';
import { RESTART_BURST } from '../../src/supervisor/supervisor-process.js';

jest.setTimeout(60_000);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The heap in use after a full collection. */
function heapNow(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

const nextMacrotask = (): Promise<void> => new Promise((done) => setTimeout(done, 0));

/**
 * Runs a supervisor whose only child fails forever: a timer set before
 * `subscribe` must fire while the restarts go on, and the heap must not grow
 * between two later points of the loop.
 */
async function loopsWithoutStarving(start: () => Observable<unknown>): Promise<void> {
  let restarts = 0;
  let restartsWhenTimerFired = -1;
  setTimeout(() => (restartsWhenTimerFired = restarts), 0);
  const subscription = supervise([child('x', start)], { intensity: Infinity }).subscribe(
    (n: SupervisorNotification) => {
      if (n.kind === 'restart') restarts++;
    },
  );
  // subscribe() returned: the loop did not hold the caller.
  const returnedAfter = restarts;
  expect(returnedAfter).toBeLessThanOrEqual(RESTART_BURST + 1);

  while (restarts < 20 * RESTART_BURST) await nextMacrotask();
  const early = heapNow();
  while (restarts < 100 * RESTART_BURST) await nextMacrotask();
  const late = heapNow();
  subscription.unsubscribe();

  // The timer fired while the loop went on: after some restarts, long before the last.
  expect(restartsWhenTimerFired).toBeGreaterThanOrEqual(0);
  expect(restartsWhenTimerFired).toBeLessThan(20 * RESTART_BURST);
  // 80,000 more restarts left no more than a few MB behind.
  expect(late - early).toBeLessThan(8 * 1024 * 1024);
}

describe('restart loops yield to the event loop', () => {
  it('a child that fails synchronously forever lets a timer set before subscribe fire', async () => {
    await loopsWithoutStarving(() => throwError(() => new Error('x')));
  });

  it('a child that rejects forever (a microtask each time) lets the timer fire too', async () => {
    await loopsWithoutStarving(() => defer(() => Promise.reject(new Error('x'))));
  });

  it('a burst of restarts below the bound stays synchronous', () => {
    let restarts = 0;
    let failures = 0;
    const subscription = supervise(
      [
        child('x', () =>
          ++failures <= RESTART_BURST
            ? throwError(() => new Error('x'))
            : defer(() => [] as never[]),
        ),
      ],
      { intensity: Infinity },
    ).subscribe((n) => {
      if (n.kind === 'restart') restarts++;
    });
    expect(restarts).toBe(RESTART_BURST);
    subscription.unsubscribe();
  });

  it('under TestScheduler, restarts past the bound stay in the same frame', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      let starts = 0;
      const started$ = supervise(
        [child('x', () => (++starts <= 3 * RESTART_BURST ? cold('#') : cold('-')))],
        { intensity: Infinity },
      ).pipe(
        map((n) => (n.kind === 'child-started' ? n.incarnation : 0)),
        filter((incarnation) => incarnation > 3 * RESTART_BURST),
      );
      // The 3,000 failed starts and their restarts all happen at frame 0; the next one stays up.
      expectObservable(started$, '^--!').toBe('a', { a: 3 * RESTART_BURST + 1 });
    });
  });
});
