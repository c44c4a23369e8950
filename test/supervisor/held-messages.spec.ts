import { map, of, timer, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  ActorExitError,
  oneForAll,
  CallTimeoutError,
  HoldOverflowError,
  Registry,
  call$,
  cast,
  child,
  deadLetters$,
  genServer,
  oneForOne,
  send,
  spawn,
  via,
  type DeadLetter,
  type Pid,
  type SupervisorOptions,
  type Protocol,
} from '../../src/index.js';
import { liveActorCount } from '../../src/testing/index.js';

/** 'crash', 'slow-crash', 'slow-stop', or any other text to log. */
type Msg = string;

/**
 * A worker whose state is its incarnation number. It logs every cast as
 * `<time> <incarnation>:<msg>`; 'crash' throws, 'slow-crash' / 'slow-stop'
 * hold the mailbox for 5 frames and then crash / stop normally.
 */
const recorder = (log: string[], ts: TestScheduler) =>
  genServer({
    init: (incarnation: number) => incarnation,
    handleCast: (msg: Msg, inc: number, ctx) => {
      if (msg === 'crash') throw new Error('crash requested');
      if (msg === 'slow-crash') {
        return timer(5).pipe(
          map((): number => {
            throw new Error('slow crash');
          }),
        );
      }
      if (msg === 'slow-stop') {
        return timer(5).pipe(
          map(() => {
            ctx.stop();
            return inc;
          }),
        );
      }
      log.push(`${ts.now()} ${inc}:${msg}`);
      return inc;
    },
    handleCall: (_req: 'get', _from, inc: number) => {
      log.push(`${ts.now()} ${inc}:get`);
      return { reply: inc, state: inc };
    },
  });

const newScheduler = (): TestScheduler => new TestScheduler((a, b) => expect(a).toEqual(b));

/** Runs a one-child supervisor ('w') in `ts.run`; `script` schedules what the test does. */
function scenario(
  options: SupervisorOptions & { restart?: 'permanent' | 'transient' | 'temporary' },
  script: (ctx: {
    ts: TestScheduler;
    registry: Registry;
    w: ReturnType<typeof via>;
    pid: () => Pid;
    at: (frame: number, work: () => void) => void;
  }) => void,
): { log: string[]; letters: DeadLetter[] } {
  const ts = newScheduler();
  const log: string[] = [];
  const letters: DeadLetter[] = [];
  const registry = new Registry();
  const { restart, ...supervisorOptions } = options;
  let incarnation = 0;
  const lettersSub: Subscription = deadLetters$.subscribe((d) => letters.push(d));
  const before = liveActorCount();
  ts.run(() => {
    const def = recorder(log, ts);
    const sub = of(child('w', () => def.start(++incarnation), { restart }))
      .pipe(oneForOne({ registry, ...supervisorOptions }))
      .subscribe((n) => {
        if (n.kind === 'child-started') log.push(`${ts.now()} started#${n.incarnation}`);
        if (n.kind === 'child-exited') {
          log.push(`${ts.now()} exited#${n.incarnation}:${n.reason.kind}`);
        }
        if (n.kind === 'exit') log.push(`${ts.now()} supervisor:${n.reason.kind}`);
      });
    let current: Pid | undefined = registry.whereis('w');
    registry.whereis$('w').subscribe((p) => (current = p ?? current));
    script({
      ts,
      registry,
      w: via(registry, 'w'),
      pid: () => current!,
      at: (frame, work) => void ts.schedule(work, frame),
    });
    ts.schedule(() => sub.unsubscribe(), 100);
  });
  lettersSub.unsubscribe();
  expect(liveActorCount()).toBe(before);
  return { log, letters };
}

test('messages sent through the name during a backoff reach the next incarnation in order, right after started', () => {
  const results: boolean[] = [];
  let whereisWhileDown: unknown = 'unset';
  const { log, letters } = scenario(
    { backoff: { min: 10, max: 10 } },
    ({ w, pid, registry, at }) => {
      at(5, () => cast(pid(), 'crash'));
      at(6, () => results.push(cast(w, 'm1')));
      at(7, () => {
        results.push(cast(w, 'm2'), cast(w, 'm3'));
        whereisWhileDown = registry.whereis('w');
      });
      at(16, () => cast(w, 'm4'));
    },
  );
  expect(results).toEqual([true, true, true]);
  expect(whereisWhileDown).toBeUndefined();
  expect(log).toEqual([
    '0 started#1',
    '5 exited#1:error',
    '15 started#2',
    '15 2:m1',
    '15 2:m2',
    '15 2:m3',
    '16 2:m4',
  ]);
  expect(letters).toEqual([]);
});

test('beyond holdBound, messages to the name go to dead letters with HoldOverflowError', () => {
  const results: boolean[] = [];
  const { log, letters } = scenario(
    { backoff: { min: 10, max: 10 }, holdBound: 2 },
    ({ w, pid, at }) => {
      at(5, () => cast(pid(), 'crash'));
      at(6, () => results.push(cast(w, 'm1'), cast(w, 'm2'), cast(w, 'm3')));
    },
  );
  expect(results).toEqual([true, true, false]);
  expect(log.filter((l) => l.includes(':m'))).toEqual(['15 2:m1', '15 2:m2']);
  expect(letters).toHaveLength(1);
  const [letter] = letters;
  expect(letter).toMatchObject({ kind: 'cast', message: 'm3' });
  expect(String(letter!.target)).toBe("via 'w'");
  expect(letter!.reason.kind === 'error' && letter!.reason.error).toBeInstanceOf(HoldOverflowError);
});

test("a held call's timeout keeps running while the name is pending", () => {
  const outcomes: string[] = [];
  const { log } = scenario({ backoff: { min: 10, max: 10 } }, ({ ts, w, pid, at }) => {
    at(5, () => cast(pid(), 'crash'));
    at(6, () => {
      call$(w, 'get', { timeout: 4 }).subscribe({
        next: (v) => outcomes.push(`${ts.now()} short:${String(v)}`),
        error: (e: unknown) =>
          outcomes.push(
            `${ts.now()} short:${e instanceof CallTimeoutError ? 'timeout' : String(e)}`,
          ),
      });
      call$(w, 'get', { timeout: 20 }).subscribe({
        next: (v) => outcomes.push(`${ts.now()} long:${String(v)}`),
        error: (e: unknown) => outcomes.push(`${ts.now()} long:${String(e)}`),
      });
    });
  });
  expect(outcomes).toEqual(['10 short:timeout', '15 long:2']);
  expect(log).toContain('15 2:get');
});

test('messages queued behind a crash: via ones carry over, pid ones become dead letters, a pid call rejects', () => {
  const outcomes: string[] = [];
  let oldPid: Pid | undefined;
  const { log, letters } = scenario({}, ({ ts, w, pid, at }) => {
    at(1, () => {
      oldPid = pid();
      cast(w, 'slow-crash');
    });
    at(2, () => {
      cast(w, 'a');
      cast(oldPid!, 'b');
      call$(oldPid!, 'get').subscribe({
        next: (v) => outcomes.push(`pid-call:${String(v)}`),
        error: (e: unknown) =>
          outcomes.push(
            `${ts.now()} pid-call:${e instanceof ActorExitError ? `ActorExitError(${e.reason.kind})` : String(e)}`,
          ),
      });
      call$(w, 'get').subscribe({
        next: (v) => outcomes.push(`${ts.now()} via-call:${String(v)}`),
        error: (e: unknown) => outcomes.push(`via-call:${String(e)}`),
      });
      cast(w, 'c');
    });
  });
  expect(log).toEqual([
    '0 started#1',
    '6 exited#1:error',
    '6 started#2',
    '6 2:a',
    '6 2:get',
    '6 2:c',
  ]);
  expect(outcomes).toEqual(['6 pid-call:ActorExitError(error)', '6 via-call:2']);
  expect(letters.map((d) => [d.kind, d.message, d.reason.kind, d.target === oldPid])).toEqual([
    ['cast', 'b', 'error', true],
    ['call', 'get', 'error', true],
  ]);
});

test('a transient child that exits normally: messages held for its name go to dead letters', () => {
  const outcomes: string[] = [];
  const { log, letters } = scenario({}, ({ ts, w, at }) => {
    at(1, () => cast(w, 'slow-stop'));
    at(2, () => {
      cast(w, 'a');
      call$(w, 'get', { timeout: 50 }).subscribe({
        next: (v) => outcomes.push(`${ts.now()} reply:${String(v)}`),
        error: (e: unknown) =>
          outcomes.push(`${ts.now()} ${e instanceof CallTimeoutError ? 'timeout' : 'rejected'}`),
      });
    });
  });
  expect(log).toEqual(['0 started#1', '6 exited#1:normal']);
  // The held call fails when no restart follows, not when its timeout runs out.
  expect(outcomes).toEqual(['6 rejected']);
  expect(letters.map((d) => [d.kind, d.message, String(d.target)])).toEqual([
    ['cast', 'a', "via 'w'"],
    ['call', 'get', "via 'w'"],
  ]);
});

test('a message sent to the name between the exit and the decision not to restart becomes a dead letter', () => {
  const ts = newScheduler();
  const registry = new Registry();
  const letters: DeadLetter[] = [];
  const results: boolean[] = [];
  const lettersSub = deadLetters$.subscribe((d) => letters.push(d));
  ts.run(() => {
    const def = recorder([], ts);
    const sub = of(child('w', () => def.start(1)))
      .pipe(oneForOne({ registry }))
      .subscribe((n) => {
        // Sent while the name is pending: the exit is known, the decision is not yet made.
        if (n.kind === 'child-exited') results.push(cast(via<Protocol>(registry, 'w'), 'late'));
      });
    ts.schedule(() => cast(via<Protocol>(registry, 'w'), 'slow-stop'), 1);
    ts.schedule(() => sub.unsubscribe(), 20);
  });
  lettersSub.unsubscribe();
  expect(results).toEqual([true]);
  expect(letters.map((d) => [d.kind, d.message, d.reason.kind])).toEqual([
    ['cast', 'late', 'normal'],
  ]);
});

test('a temporary child that crashes: messages held for its name go to dead letters', () => {
  const { log, letters } = scenario({ restart: 'temporary' }, ({ w, at }) => {
    at(1, () => cast(w, 'slow-crash'));
    at(2, () => cast(w, 'a'));
  });
  expect(log).toEqual(['0 started#1', '6 exited#1:error']);
  expect(letters.map((d) => [d.kind, d.message, String(d.target)])).toEqual([
    ['cast', 'a', "via 'w'"],
  ]);
});

test('when the supervisor gives up, messages held for the name go to dead letters', () => {
  const { log, letters } = scenario({ intensity: 0 }, ({ w, at }) => {
    at(1, () => cast(w, 'slow-crash'));
    at(2, () => cast(w, 'a'));
  });
  expect(log).toEqual(['0 started#1', '6 exited#1:error', '6 supervisor:error']);
  expect(letters.map((d) => [d.kind, d.message, String(d.target)])).toEqual([
    ['cast', 'a', "via 'w'"],
  ]);
});

test('when the supervisor is unsubscribed during a backoff, held messages go to dead letters', () => {
  const { log, letters } = scenario({ backoff: { min: 200, max: 200 } }, ({ w, pid, at }) => {
    at(5, () => cast(pid(), 'crash'));
    at(6, () => cast(w, 'a'));
  });
  expect(log).toEqual(['0 started#1', '5 exited#1:error']);
  expect(letters.map((d) => [d.kind, d.message, String(d.target)])).toEqual([
    ['cast', 'a', "via 'w'"],
  ]);
});

test('one_for_all: messages to a torn-down sibling are held and reach its next incarnation', () => {
  const ts = newScheduler();
  const log: string[] = [];
  const results: boolean[] = [];
  const letters: DeadLetter[] = [];
  const lettersSub = deadLetters$.subscribe((d) => letters.push(d));
  ts.run(() => {
    const registry = new Registry();
    const def = recorder(log, ts);
    let a = 0;
    const sub = of(
      child('a', () => def.start(++a)),
      child('b', () => def.start(1)),
    )
      .pipe(oneForAll({ registry, backoff: { min: 10, max: 10 } }))
      .subscribe();
    ts.schedule(() => cast(registry.whereis('b')!, 'crash'), 5);
    ts.schedule(() => results.push(cast(via<Protocol>(registry, 'a'), 'hello')), 7);
    ts.schedule(() => sub.unsubscribe(), 50);
  });
  lettersSub.unsubscribe();
  expect(results).toEqual([true]);
  expect(log).toEqual(['15 2:hello']);
  expect(letters).toEqual([]);
});

test('messages stay held across a restart whose init fails, and reach the incarnation that starts', () => {
  const ts = newScheduler();
  const log: string[] = [];
  const letters: DeadLetter[] = [];
  const lettersSub = deadLetters$.subscribe((d) => letters.push(d));
  ts.run(() => {
    const registry = new Registry();
    let n = 0;
    // The second incarnation fails in init; the third starts.
    const flaky = genServer({
      init: (k: number) => {
        if (k === 2) throw new Error('second init fails');
        return k;
      },
      handleCast: (msg: string, k: number) => {
        if (msg === 'crash') throw new Error('crash requested');
        log.push(`${ts.now()} ${k}:${msg}`);
        return k;
      },
    });
    const sub = of(child('w', () => flaky.start(++n)))
      .pipe(oneForOne({ registry, backoff: { min: 10, max: 10 } }))
      .subscribe((e) => {
        if (e.kind === 'child-started' || e.kind === 'child-exited') {
          log.push(`${ts.now()} ${e.kind}#${e.incarnation}`);
        }
      });
    ts.schedule(() => cast(registry.whereis('w')!, 'crash'), 5);
    ts.schedule(() => cast(via<Protocol>(registry, 'w'), 'hello'), 7);
    ts.schedule(() => sub.unsubscribe(), 100);
  });
  lettersSub.unsubscribe();
  expect(log).toEqual([
    '0 child-started#1',
    '5 child-exited#1',
    '15 child-exited#2',
    '25 child-started#3',
    '25 3:hello',
  ]);
  expect(letters).toEqual([]);
});

test('messages held for a restart are handled before a send made by a whereis$ watcher of the new pid', () => {
  const registry = new Registry();
  const log: string[] = [];
  const worker = genServer({
    init: () => 0,
    handleInfo: (msg: string, n: number): number => {
      if (msg === 'boom') throw new Error('boom');
      log.push(msg);
      return n;
    },
  });
  const w = via<Protocol>(registry, 'w');
  const sub = of(child('w', () => worker.start(undefined)))
    .pipe(oneForOne({ registry }))
    .subscribe();
  const first = registry.whereis('w');
  // A watcher that greets each new incarnation through the name.
  registry.whereis$('w').subscribe((p) => {
    if (p !== undefined && p !== first) send(w, 'hello');
  });
  // Sent from inside a handler, so all three queue behind 'boom': 'a' and 'b' are
  // left in the crashed mailbox and held for the next incarnation.
  const driver = genServer({
    init: () => 0,
    handleInfo: (_: 'go', n: number) => {
      send(w, 'boom');
      send(w, 'a');
      send(w, 'b');
      return n;
    },
  });
  send(spawn(driver, undefined), 'go');
  // docs/design.md, "Names": held messages are posted to the next incarnation in order before the
  // name is published, so what a watcher sends on hearing the new pid ('hello') queues behind them.
  expect(log).toEqual(['a', 'b', 'hello']);
  sub.unsubscribe();
});
