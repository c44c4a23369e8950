import { Subject, type Observable, type Subscription } from 'rxjs';
import {
  call,
  cast,
  genServer,
  send,
  type CallRef,
  type ExitReason,
  type Lifecycle,
  type Pid,
} from '../../src/index.js';
import { liveActorCount } from '../../src/testing/index.js';

type Event<N> = N | 'complete';

/** Subscribes to a lifecycle stream and records what it emits, `'complete'` included. */
function record<N>(source: Observable<N>): { events: Event<N>[]; subscription: Subscription } {
  const events: Event<N>[] = [];
  const subscription = source.subscribe({
    next: (n) => events.push(n),
    complete: () => events.push('complete'),
  });
  return { events, subscription };
}

/** The kinds of the recorded events, for compact assertions. */
const kinds = (events: Event<Lifecycle>[]): string[] =>
  events.map((e) => (e === 'complete' ? 'complete' : e.kind));

/** The pid of the recorded `started` notification. */
function startedPid(events: Event<Lifecycle>[]): Pid {
  const first = events[0];
  if (first === undefined || first === 'complete' || first.kind !== 'started') {
    throw new Error(`expected a started notification first, got ${kinds(events).join(',')}`);
  }
  return first.pid;
}

/** A counter that records every terminate call. */
function counter(terminated: [ExitReason, number][] = []) {
  return genServer({
    init: (start: number) => start,
    handleCast: (req: 'inc' | 'stop', n: number, ctx) => {
      if (req === 'stop') ctx.stop();
      return req === 'inc' ? n + 1 : n;
    },
    handleCall: (_req: 'get', _from: CallRef<number>, n: number) => ({ reply: n, state: n }),
    terminate: (reason, n) => {
      terminated.push([reason, n]);
    },
  });
}

describe('the lifecycle stream', () => {
  test('emits started with the pid once init has run, and nothing more while it lives', () => {
    const { events, subscription } = record(counter().start(0));
    expect(kinds(events)).toEqual(['started']);
    const pid = startedPid(events);
    expect(typeof pid.id).toBe('number');
    subscription.unsubscribe();
  });

  test('emits exit with the same pid and the reason last, then completes', () => {
    const { events } = record(counter().start(0));
    const pid = startedPid(events);
    cast(pid, 'stop');
    expect(events).toEqual([
      { kind: 'started', pid },
      { kind: 'exit', pid, reason: { kind: 'normal' } },
      'complete',
    ]);
  });

  test('is cold: init does not run until the stream is subscribed', () => {
    const init = jest.fn((n: number) => n);
    const start$ = genServer({ init }).start(1);
    expect(init).not.toHaveBeenCalled();
    const { subscription } = record(start$);
    expect(init).toHaveBeenCalledTimes(1);
    subscription.unsubscribe();
  });

  test('each subscription is a separate incarnation with its own pid and state', async () => {
    const start$ = counter().start(10);
    const first = record(start$);
    const second = record(start$);
    const a = startedPid(first.events);
    const b = startedPid(second.events);
    expect(a).not.toBe(b);
    expect(a.id).not.toBe(b.id);
    cast(a, 'inc');
    cast(a, 'inc');
    expect(await call(a, 'get')).toBe(12);
    expect(await call(b, 'get')).toBe(10);
    first.subscription.unsubscribe();
    second.subscription.unsubscribe();
  });

  test('unsubscribing cancels: terminate sees cancelled, exit$ emits cancelled, the stream says no more', () => {
    const terminated: [ExitReason, number][] = [];
    const { events, subscription } = record(counter(terminated).start(3));
    const pid = startedPid(events);
    cast(pid, 'inc');
    subscription.unsubscribe();
    expect(terminated).toEqual([[{ kind: 'cancelled' }, 4]]);
    const exits: ExitReason[] = [];
    pid.exit$.subscribe((reason) => exits.push(reason));
    expect(exits).toEqual([{ kind: 'cancelled' }]);
    expect(kinds(events)).toEqual(['started']);
    expect(cast(pid, 'inc')).toBe(false);
  });

  test('unsubscribing after the exit changes nothing and runs no second terminate', () => {
    const terminated: [ExitReason, number][] = [];
    const { events, subscription } = record(counter(terminated).start(0));
    cast(startedPid(events), 'stop');
    subscription.unsubscribe();
    expect(terminated).toEqual([[{ kind: 'normal' }, 0]]);
    expect(kinds(events)).toEqual(['started', 'exit', 'complete']);
  });

  test('an init that throws emits only exit with the error, no started, and runs no terminate', () => {
    const boom = new Error('boom');
    const terminate = jest.fn();
    const def = genServer({
      init: (): number => {
        throw boom;
      },
      terminate,
    });
    const { events } = record(def.start(undefined));
    expect(events).toEqual([expect.objectContaining({ kind: 'exit' }), 'complete']);
    const exit = events[0] as Lifecycle;
    expect(exit.kind === 'exit' && exit.reason.kind === 'error' && exit.reason.error).toBe(boom);
    expect(terminate).not.toHaveBeenCalled();
  });

  test('started waits for an init that returns a Promise', async () => {
    let resolve!: (n: number) => void;
    const promise = new Promise<number>((r) => (resolve = r));
    const def = genServer({
      init: () => promise,
      handleCall: (_req: 'get', _from: CallRef<number>, n: number) => ({ reply: n, state: n }),
    });
    const { events, subscription } = record(def.start(undefined));
    expect(events).toEqual([]);
    resolve(7);
    await promise;
    expect(kinds(events)).toEqual(['started']);
    expect(await call(startedPid(events), 'get')).toBe(7);
    subscription.unsubscribe();
  });

  test('started waits for an init that returns an Observable, and takes its last value', async () => {
    const gate = new Subject<number>();
    const def = genServer({
      init: () => gate,
      handleCall: (_req: 'get', _from: CallRef<number>, n: number) => ({ reply: n, state: n }),
    });
    const { events, subscription } = record(def.start(undefined));
    gate.next(1);
    gate.next(2);
    expect(events).toEqual([]);
    gate.complete();
    expect(kinds(events)).toEqual(['started']);
    expect(await call(startedPid(events), 'get')).toBe(2);
    subscription.unsubscribe();
  });

  test('messages sent while init is pending are handled after started, in order', () => {
    const gate = new Subject<string[]>();
    const handled: string[] = [];
    let self: Pid | undefined;
    const def = genServer({
      init: (_: void, ctx) => {
        self = ctx.self;
        return gate;
      },
      handleInfo: (msg: string, log: string[]) => {
        handled.push(msg);
        return [...log, msg];
      },
    });
    const { events, subscription } = record(def.start(undefined));
    expect(send(self!, 'a')).toBe(true);
    expect(send(self!, 'b')).toBe(true);
    expect(handled).toEqual([]);
    gate.next([]);
    gate.complete();
    expect(kinds(events)).toEqual(['started']);
    expect(handled).toEqual(['a', 'b']);
    subscription.unsubscribe();
  });

  test('unsubscribing while init is pending ends the incarnation without terminate', () => {
    const terminate = jest.fn();
    let self: Pid | undefined;
    const gate = new Subject<number>();
    const def = genServer({
      init: (_: void, ctx) => {
        self = ctx.self;
        return gate;
      },
      terminate,
    });
    const { events, subscription } = record(def.start(undefined));
    subscription.unsubscribe();
    const exits: ExitReason[] = [];
    self!.exit$.subscribe((reason) => exits.push(reason));
    expect(exits).toEqual([{ kind: 'cancelled' }]);
    expect(terminate).not.toHaveBeenCalled();
    expect(gate.observed).toBe(false);
    expect(events).toEqual([]);
  });

  test('ctx.stop(reason) in a handler stops after the handler returns, with its state committed', () => {
    const terminated: [ExitReason, number][] = [];
    const failure = new Error('enough');
    const def = genServer({
      init: () => 1,
      handleInfo: (msg: 'fail', n: number, ctx) => {
        ctx.stop({ kind: 'error', error: failure });
        return n + 100;
      },
      terminate: (reason, n) => {
        terminated.push([reason, n]);
      },
    });
    const { events } = record(def.start(undefined));
    send(startedPid(events), 'fail');
    expect(terminated).toEqual([[{ kind: 'error', error: failure }, 101]]);
    expect(events[1]).toEqual({
      kind: 'exit',
      pid: startedPid(events),
      reason: { kind: 'error', error: failure },
    });
  });

  test('ctx.stop() without a reason exits normal', () => {
    const { events } = record(counter().start(0));
    cast(startedPid(events), 'stop');
    expect(events[1]).toEqual(expect.objectContaining({ reason: { kind: 'normal' } }));
  });

  test('ctx.stop() in init: started, then exit, and terminate runs with the init state', () => {
    const terminated: [ExitReason, string][] = [];
    const def = genServer({
      init: (_: void, ctx) => {
        ctx.stop();
        return 'ready';
      },
      terminate: (reason, state: string) => {
        terminated.push([reason, state]);
      },
    });
    const { events } = record(def.start(undefined));
    expect(kinds(events)).toEqual(['started', 'exit', 'complete']);
    expect(terminated).toEqual([[{ kind: 'normal' }, 'ready']]);
  });

  test('an incarnation that has exited no longer counts as a live actor', () => {
    const before = liveActorCount();
    const first = record(counter().start(0));
    const second = record(counter().start(0));
    expect(liveActorCount()).toBe(before + 2);
    cast(startedPid(first.events), 'stop');
    second.subscription.unsubscribe();
    expect(liveActorCount()).toBe(before);
  });
});
