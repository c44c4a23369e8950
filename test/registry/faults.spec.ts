import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  Registry,
  genServer,
  send,
  spawn,
  stop,
  type ExitReason,
  type Lifecycle,
  type Pid,
} from '../../src/index.js';
import { useUnhandledErrors } from '../support.js';

// A subscriber that throws is rxjs's business: rxjs reports the error through
// config.onUnhandledError on a later timer. Inside TestScheduler.run that timer
// is virtual, so the report arrives before run returns.

const unhandledErrors = useUnhandledErrors();

const runVirtual = (work: () => void): void =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(work);

/** Counts what it handles and records its terminate. */
function worker(log: string[]) {
  return genServer({
    init: () => 0,
    handleInfo: (msg: string, n: number) => {
      log.push(`info ${msg}`);
      return n + 1;
    },
    terminate: (reason: ExitReason, n: number) => {
      log.push(`terminate ${reason.kind} ${n}`);
    },
  });
}

test('a whereis$ subscriber that throws disturbs neither the registry nor the actor', () => {
  const boom = new Error('subscriber failed');
  const registry = new Registry();
  const log: string[] = [];
  const others: (Pid | undefined)[] = [];
  let pid: Pid | undefined;
  runVirtual(() => {
    registry.whereis$('svc').subscribe((p) => {
      if (p !== undefined) throw boom;
    });
    registry.whereis$('svc').subscribe((p) => others.push(p));
    const spawned = spawn(worker(log), undefined);
    pid = spawned;
    expect(() => registry.register('svc', spawned)).not.toThrow();
    expect(registry.whereis('svc')).toBe(spawned);
    expect(send(spawned, 'still fine')).toBe(true);
  });
  expect(others).toEqual([undefined, pid]);
  expect(log).toEqual(['info still fine']);
  expect(unhandledErrors()).toHaveBeenCalledTimes(1);
  expect(unhandledErrors()).toHaveBeenCalledWith(boom);
});

test('a whereis$ subscriber that throws when the name is freed at exit does not disturb the exit', () => {
  const boom = new Error('subscriber failed');
  const registry = new Registry();
  const log: string[] = [];
  const events: string[] = [];
  runVirtual(() => {
    let pid: Pid | undefined;
    worker(log)
      .start(undefined, { name: 'svc', registry })
      .subscribe((n: Lifecycle) => {
        pid = n.pid;
        events.push(n.kind);
      });
    registry.whereis$('svc').subscribe((p) => {
      if (p === undefined) throw boom;
    });
    stop(pid!);
  });
  expect(events).toEqual(['started', 'exit']);
  expect(log).toEqual(['terminate normal 0']);
  expect(registry.whereis('svc')).toBeUndefined();
  expect(unhandledErrors()).toHaveBeenCalledWith(boom);
});

test('an entries$ subscriber that throws disturbs neither the registry nor the actor', () => {
  const boom = new Error('subscriber failed');
  const registry = new Registry();
  const log: string[] = [];
  const sizes: number[] = [];
  runVirtual(() => {
    registry.entries$.subscribe((view) => {
      if (view.size > 0) throw boom;
    });
    registry.entries$.subscribe((view) => sizes.push(view.size));
    const pid = spawn(worker(log), undefined);
    registry.register('a', pid);
    registry.register('b', pid);
    expect(registry.whereis('a')).toBe(pid);
    expect(registry.whereis('b')).toBe(pid);
    send(pid, 'ok');
    stop(pid);
  });
  expect(sizes).toEqual([0, 1, 2, 1, 0]);
  expect(log).toEqual(['info ok', 'terminate normal 1']);
  expect(unhandledErrors()).toHaveBeenCalledTimes(3);
  expect(unhandledErrors()).toHaveBeenCalledWith(boom);
});

test('a subscriber that throws on registration through start options does not stop the start', () => {
  const boom = new Error('subscriber failed');
  const registry = new Registry();
  const gate = new Subject<number>();
  const events: string[] = [];
  runVirtual(() => {
    registry.entries$.subscribe((view) => {
      if (view.has('svc')) throw boom;
    });
    genServer({ init: () => gate })
      .start(undefined, { name: 'svc', registry })
      .subscribe((n) => events.push(n.kind));
    gate.next(1);
    gate.complete();
  });
  expect(events).toEqual(['started']);
  expect(registry.whereis('svc')).toBeDefined();
  expect(unhandledErrors()).toHaveBeenCalledWith(boom);
});

test('a throw in a whereis$ subscriber at its first value is reported, not thrown from subscribe', () => {
  const boom = new Error('subscriber failed');
  const registry = new Registry();
  runVirtual(() => {
    expect(() =>
      registry.whereis$('svc').subscribe(() => {
        throw boom;
      }),
    ).not.toThrow();
  });
  expect(unhandledErrors()).toHaveBeenCalledWith(boom);
});
