import { Subject } from 'rxjs';
import {
  Registry,
  cast,
  genServer,
  send,
  spawn,
  stop,
  via,
  type Lifecycle,
  type Pid,
} from '../../src/index.js';
import { exitOf } from '../support.js';

/** Logs its handlers and terminate; 'slow' waits for `gate`. */
function worker(log: string[], gate = new Subject<number>()) {
  return genServer({
    init: () => 0,
    handleInfo: (msg: string, n: number) => {
      log.push(`handle ${msg}`);
      return msg === 'slow' ? gate : n + 1;
    },
    terminate: (reason, n: number) => {
      log.push(`terminate ${reason.kind} ${n}`);
    },
  });
}

test('stop(pid) stops an idle actor before it returns: terminate(normal), then exit normal', () => {
  const log: string[] = [];
  const pid = spawn(worker(log), undefined);
  expect(stop(pid)).toBe(true);
  expect(log).toEqual(['terminate normal 0']);
  expect(exitOf(pid)).toEqual({ kind: 'normal' });
});

test('stop(pid, reason) exits with that reason', () => {
  const boom = new Error('shut it');
  const log: string[] = [];
  const a = spawn(worker(log), undefined);
  const b = spawn(worker(log), undefined);
  stop(a, { kind: 'error', error: boom });
  stop(b, { kind: 'cancelled' });
  expect(exitOf(a)).toEqual({ kind: 'error', error: boom });
  expect(exitOf(b)).toEqual({ kind: 'cancelled' });
  expect(log).toEqual(['terminate error 0', 'terminate cancelled 0']);
});

test('the lifecycle stream of a stopped actor ends with exit and the reason', () => {
  const events: Lifecycle[] = [];
  let pid: Pid | undefined;
  worker([])
    .start(undefined)
    .subscribe((n) => {
      pid = n.pid;
      events.push(n);
    });
  stop(pid!, { kind: 'cancelled' });
  expect(events).toEqual([
    { kind: 'started', pid },
    { kind: 'exit', pid, reason: { kind: 'cancelled' } },
  ]);
});

test('returns false for a dead pid and changes nothing', () => {
  const log: string[] = [];
  const pid = spawn(worker(log), undefined);
  stop(pid, { kind: 'cancelled' });
  expect(stop(pid)).toBe(false);
  expect(stop(pid, { kind: 'error', error: new Error('again') })).toBe(false);
  expect(exitOf(pid)).toEqual({ kind: 'cancelled' });
  expect(log).toEqual(['terminate cancelled 0']);
});

test('through via, stops the pid the name is registered to', () => {
  const registry = new Registry();
  const pid = spawn(worker([]), undefined, { name: 'w', registry });
  expect(stop(via(registry, 'w'))).toBe(true);
  expect(exitOf(pid)).toEqual({ kind: 'normal' });
  expect(registry.whereis('w')).toBeUndefined();
});

test('returns false for an unregistered name', () => {
  expect(stop(via(new Registry(), 'nobody'))).toBe(false);
});

test('a running async handler finishes first; its state is what terminate sees', () => {
  const log: string[] = [];
  const gate = new Subject<number>();
  const pid = spawn(worker(log, gate), undefined);
  send(pid, 'slow');
  expect(stop(pid)).toBe(true);
  expect(log).toEqual(['handle slow']);
  expect(exitOf(pid)).toBeUndefined();
  gate.next(41);
  gate.complete();
  expect(log).toEqual(['handle slow', 'terminate normal 41']);
  expect(exitOf(pid)).toEqual({ kind: 'normal' });
});

test('messages queued behind the running handler are not handled after a stop', () => {
  const log: string[] = [];
  const gate = new Subject<number>();
  const pid = spawn(worker(log, gate), undefined);
  send(pid, 'slow');
  send(pid, 'queued');
  stop(pid);
  gate.next(0);
  gate.complete();
  expect(log).toEqual(['handle slow', 'terminate normal 0']);
});

test('the first stop request wins', () => {
  const gate = new Subject<number>();
  const pid = spawn(worker([], gate), undefined);
  send(pid, 'slow');
  expect(stop(pid, { kind: 'cancelled' })).toBe(true);
  // Already asked to stop: the second request is refused and changes nothing.
  expect(stop(pid, { kind: 'error', error: new Error('second') })).toBe(false);
  gate.next(0);
  gate.complete();
  expect(exitOf(pid)).toEqual({ kind: 'cancelled' });
});

test('a stop requested inside another handler takes effect after that handler returns', () => {
  const log: string[] = [];
  const target = spawn(worker(log), undefined);
  const stopper = spawn(
    genServer({
      init: () => 0,
      handleCast: (_: 'go', n: number) => {
        log.push('stopper enter');
        expect(stop(target)).toBe(true);
        log.push('stopper exit');
        return n;
      },
    }),
    undefined,
  );
  cast(stopper, 'go');
  expect(log).toEqual(['stopper enter', 'stopper exit', 'terminate normal 0']);
});

test('an actor can stop itself with the exported stop, after its handler returns', () => {
  const log: string[] = [];
  const pid = spawn(
    genServer({
      init: () => 0,
      handleInfo: (_: 'quit', n: number, ctx) => {
        stop(ctx.self);
        log.push('still in handler');
        return n + 1;
      },
      terminate: (reason, n: number) => {
        log.push(`terminate ${reason.kind} ${n}`);
      },
    }),
    undefined,
  );
  send(pid, 'quit');
  expect(log).toEqual(['still in handler', 'terminate normal 1']);
});
