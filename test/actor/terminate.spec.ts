import { Subject, type Observable } from 'rxjs';
import {
  cast,
  genServer,
  send,
  spawn,
  stop,
  type ExitReason,
  type Lifecycle,
  type Pid,
} from '../../src/index.js';
import { exitOf } from '../support.js';

type Terminated = { reason: ExitReason; state: number; self: Pid };

/**
 * A counter that records each terminate. 'add' adds; 'crash' throws; 'slow'
 * waits for `gate`; `finish` is what terminate returns (to make it async).
 */
function counter(
  log: Terminated[],
  options: {
    gate?: Observable<number>;
    finish?: () => void | Observable<unknown> | Promise<unknown>;
  } = {},
) {
  return genServer({
    init: (start: number) => start,
    handleCast: (req: { add: number } | 'crash' | 'slow', n: number) => {
      if (req === 'crash') throw new Error('crash');
      if (req === 'slow') return options.gate ?? n;
      return n + req.add;
    },
    terminate: (reason, state, ctx) => {
      log.push({ reason, state, self: ctx.self });
      return options.finish?.();
    },
  });
}

test('runs once on a stop, with the reason and the last committed state', () => {
  const log: Terminated[] = [];
  const pid = spawn(counter(log), 1);
  cast(pid, { add: 2 });
  cast(pid, { add: 3 });
  stop(pid, { kind: 'normal' });
  expect(log).toEqual([{ reason: { kind: 'normal' }, state: 6, self: pid }]);
});

test('after a crash it sees the error and the state committed before the crashing message', () => {
  const log: Terminated[] = [];
  const pid = spawn(counter(log), 10);
  cast(pid, { add: 5 });
  cast(pid, 'crash');
  expect(log).toHaveLength(1);
  expect(log[0]?.state).toBe(15);
  expect(log[0]?.reason).toEqual({ kind: 'error', error: new Error('crash') });
  expect(exitOf(pid)).toBe(log[0]?.reason);
});

test('on unsubscribe it sees cancelled and the last committed state', () => {
  const log: Terminated[] = [];
  let pid: Pid | undefined;
  const subscription = counter(log)
    .start(4)
    .subscribe((n) => (pid = n.pid));
  cast(pid!, { add: 1 });
  subscription.unsubscribe();
  expect(log).toEqual([{ reason: { kind: 'cancelled' }, state: 5, self: pid }]);
});

test('an async handler cut short by unsubscribe commits nothing: terminate sees the state before it', () => {
  const log: Terminated[] = [];
  const gate = new Subject<number>();
  let pid: Pid | undefined;
  const subscription = counter(log, { gate })
    .start(7)
    .subscribe((n) => (pid = n.pid));
  cast(pid!, 'slow');
  gate.next(100);
  subscription.unsubscribe();
  expect(log).toEqual([{ reason: { kind: 'cancelled' }, state: 7, self: pid }]);
  expect(gate.observed).toBe(false);
});

test('does not run when init fails', () => {
  const terminate = jest.fn();
  const pid = spawn(
    genServer({
      init: (): number => {
        throw new Error('no');
      },
      terminate,
    }),
    undefined,
  );
  expect(exitOf(pid)?.kind).toBe('error');
  expect(terminate).not.toHaveBeenCalled();
});

test('runs once per incarnation, each with its own state', () => {
  const log: Terminated[] = [];
  const def = counter(log);
  const a = spawn(def, 1);
  const b = spawn(def, 2);
  cast(b, { add: 40 });
  stop(b);
  stop(a, { kind: 'cancelled' });
  expect(log).toEqual([
    { reason: { kind: 'normal' }, state: 42, self: b },
    { reason: { kind: 'cancelled' }, state: 1, self: a },
  ]);
});

test('a second stop request does not run it again', () => {
  const log: Terminated[] = [];
  const gate = new Subject<number>();
  const pid = spawn(counter(log, { gate }), 0);
  cast(pid, 'slow');
  expect(stop(pid)).toBe(true);
  stop(pid, { kind: 'error', error: new Error('later') });
  gate.next(1);
  gate.complete();
  expect(log).toEqual([{ reason: { kind: 'normal' }, state: 1, self: pid }]);
  expect(stop(pid)).toBe(false);
  expect(log).toHaveLength(1);
});

test('an async terminate delays the exit notification until it settles', () => {
  const log: Terminated[] = [];
  const done = new Subject<void>();
  const events: Lifecycle[] = [];
  let pid: Pid | undefined;
  counter(log, { finish: () => done })
    .start(3)
    .subscribe((n) => {
      pid = n.pid;
      events.push(n);
    });
  stop(pid!);
  expect(log).toHaveLength(1);
  expect(events.map((e) => e.kind)).toEqual(['started']);
  expect(exitOf(pid!)).toBeUndefined();
  done.complete();
  expect(events.map((e) => e.kind)).toEqual(['started', 'exit']);
  expect(exitOf(pid!)).toEqual({ kind: 'normal' });
});

test('a terminate returning a Promise delays exit$ until it resolves', async () => {
  const log: Terminated[] = [];
  let resolve!: () => void;
  const finished = new Promise<void>((r) => (resolve = r));
  const pid = spawn(counter(log, { finish: () => finished }), 0);
  stop(pid);
  expect(exitOf(pid)).toBeUndefined();
  resolve();
  await finished;
  expect(exitOf(pid)).toEqual({ kind: 'normal' });
});

test('unsubscribing during an async terminate ends the incarnation at once, without a second terminate', () => {
  const log: Terminated[] = [];
  const done = new Subject<void>();
  let pid: Pid | undefined;
  const subscription = counter(log, { finish: () => done })
    .start(0)
    .subscribe((n) => (pid = n.pid));
  stop(pid!, { kind: 'error', error: new Error('stop') });
  subscription.unsubscribe();
  expect(log).toHaveLength(1);
  // The exit that was decided stays the reason: the incarnation was already stopping.
  expect(exitOf(pid!)).toEqual({ kind: 'error', error: new Error('stop') });
  // The abandoned terminate may still finish (its errors would still be reported); nothing more happens.
  done.complete();
  expect(log).toHaveLength(1);
  expect(exitOf(pid!)).toEqual({ kind: 'error', error: new Error('stop') });
});

test('messages sent to an actor whose terminate is running are not handled', () => {
  const log: Terminated[] = [];
  const handled: number[] = [];
  const done = new Subject<void>();
  const def = genServer({
    init: () => 0,
    handleInfo: (n: number, s: number) => {
      handled.push(n);
      return s;
    },
    terminate: (reason, state: number) => {
      log.push({ reason, state, self: pid });
      return done;
    },
  });
  const pid: Pid = spawn(def, undefined);
  stop(pid);
  send(pid, 1);
  done.complete();
  expect(handled).toEqual([]);
  expect(log).toHaveLength(1);
});
