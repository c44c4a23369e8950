// Marble tests of a user's own tree on virtual time. Runs as a script (it prints
// "ok"); the same bodies work inside jest's `test(...)`.
//
//   npx tsx examples/marble-test.ts
import { deepStrictEqual } from 'node:assert';
import { filter, map, of, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { call$, child, genServer, oneForAll, spawn, stop } from 'rxotp';
import { liveActorCount } from 'rxotp/testing';

// 1. A one_for_all tree of two plain children, scripted with cold(): `db` crashes
//    at frame 3, `cache` runs forever. The first crash restarts both; the second
//    is one more than `intensity: 1` allows, so the supervisor gives up.
function oneForAllGivesUp(): void {
  const before = liveActorCount();
  const testScheduler = new TestScheduler(deepStrictEqual);
  testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
    const db = cold('   ---#');
    const cache = cold('-');
    const tree$ = of(
      child('db', () => db),
      child('cache', () => cache),
    ).pipe(oneForAll({ intensity: 1, period: 1000 }));

    // Map the events worth asserting to marble letters.
    const letters = { r: 'restart db,cache', g: 'give-up', x: 'exit error' };
    const events$ = tree$.pipe(
      filter((n) => n.kind === 'restart' || n.kind === 'give-up' || n.kind === 'exit'),
      map((n) => {
        if (n.kind === 'restart') return `restart ${n.ids.join(',')}`;
        return n.kind === 'exit' ? `exit ${n.reason.kind}` : n.kind;
      }),
    );

    expectObservable(events$).toBe('---r--(gx|)', letters);
    expectSubscriptions(db.subscriptions).toBe(['^--!', '---^--!']);
    expectSubscriptions(cache.subscriptions).toBe(['^--!', '---^--!']);
  });
  deepStrictEqual(liveActorCount(), before); // nothing left running
}

// 2. A genServer whose handler returns an Observable (not a Promise: under `run`,
//    Promises settle only after `run` returns), asked with call$.
const slowDouble = genServer({
  init: () => 0,
  handleCall: (n: number, _from, calls) =>
    timer(5).pipe(map(() => ({ reply: n * 2, state: calls + 1 }))),
});

function callOnVirtualTime(): void {
  const testScheduler = new TestScheduler(deepStrictEqual);
  const pid = testScheduler.run(({ expectObservable }) => {
    const pid = spawn(slowDouble, undefined);
    expectObservable(call$(pid, 21)).toBe('-----(a|)', { a: 42 });
    return pid;
  });
  stop(pid);
}

oneForAllGivesUp();
callOnVirtualTime();
console.log('ok');
