import { EMPTY, asyncScheduler, of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  ActorExitError,
  HandlerError,
  call,
  call$,
  cast,
  genServer,
  send,
  spawn,
  type CallRef,
  type CallResult,
  type ExitReason,
  type Pid,
} from '../../src/index.js';
import { exitOf } from '../support.js';

/** The error inside an `error` exit reason (fails the test for any other reason). */
function errorOf(reason: ExitReason | undefined): unknown {
  expect(reason?.kind).toBe('error');
  return reason?.kind === 'error' ? reason.error : undefined;
}

/** The reason carried by a rejected call. */
async function callFailure(promise: Promise<unknown>): Promise<ActorExitError> {
  const error = await promise.then(
    () => new Error('the call resolved'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ActorExitError);
  return error as ActorExitError;
}

/** Answers with the state, whatever it is (a state is never `undefined`). */
const get = (_req: 'get', _from: CallRef<unknown>, state: NonNullable<unknown> | null) => ({
  reply: state,
  state,
});

describe('init', () => {
  test('may return the state directly', async () => {
    const pid = spawn(genServer({ init: (n: number) => n * 2, handleCall: get }), 21);
    expect(await call(pid, 'get')).toBe(42);
  });

  test('may return a Promise of the state', async () => {
    const pid = spawn(
      genServer({ init: (n: number) => Promise.resolve(n + 1), handleCall: get }),
      1,
    );
    expect(await call(pid, 'get', { timeout: Infinity })).toBe(2);
  });

  test('may return an Observable, whose last value is the state', async () => {
    const pid = spawn(genServer({ init: () => of('a', 'b', 'c'), handleCall: get }), undefined);
    expect(await call(pid, 'get')).toBe('c');
  });

  test('an Observable that completes without a value is an error exit naming init', () => {
    const terminate = jest.fn();
    const pid = spawn(genServer({ init: () => EMPTY, terminate }), undefined);
    const error = errorOf(exitOf(pid));
    expect(error).toBeInstanceOf(HandlerError);
    expect((error as HandlerError).handler).toBe('init');
    expect((error as HandlerError).message).toContain('init');
    expect(terminate).not.toHaveBeenCalled();
  });

  test('receives the start arguments and a ctx whose self is the new pid', () => {
    let seen: { args: unknown; self: Pid | undefined } | undefined;
    const def = genServer({
      init: (args: { port: number }, ctx) => {
        seen = { args, self: ctx.self };
        return null;
      },
    });
    const pid = spawn(def, { port: 80 });
    expect(seen).toEqual({ args: { port: 80 }, self: pid });
    expect(seen?.self).toBe(pid);
  });

  test('ctx.scheduler is the scheduler given at start, asyncScheduler by default', () => {
    const schedulers: unknown[] = [];
    const def = genServer({ init: (_: void, ctx) => schedulers.push(ctx.scheduler) });
    const testScheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    spawn(def, undefined);
    spawn(def, undefined, { scheduler: testScheduler });
    expect(schedulers).toEqual([asyncScheduler, testScheduler]);
    expect(schedulers[1]).toBe(testScheduler);
  });
});

describe('handler results', () => {
  /** A server whose casts return whatever `result` gives for the request. */
  function server(
    result: (req: number, state: number) => number | Promise<number> | Observable<number>,
  ) {
    return genServer({
      init: () => 0,
      handleCast: (req: number, state: number) => result(req, state),
      handleCall: get,
    });
  }

  test('a value is the new state', async () => {
    const pid = spawn(
      server((req, n) => n + req),
      undefined,
    );
    cast(pid, 5);
    cast(pid, 6);
    expect(await call(pid, 'get')).toBe(11);
  });

  test("a Promise's resolved value is the new state", async () => {
    const pid = spawn(
      server((req) => Promise.resolve(req * 10)),
      undefined,
    );
    cast(pid, 4);
    expect(await call(pid, 'get', { timeout: Infinity })).toBe(40);
  });

  test("an Observable's last value is the new state", async () => {
    const pid = spawn(
      server((req) => of(req, req + 1, req + 2)),
      undefined,
    );
    cast(pid, 7);
    expect(await call(pid, 'get')).toBe(9);
  });

  test('an Observable that completes without a value is an error exit naming the handler', () => {
    const pid = spawn(
      server(() => EMPTY),
      undefined,
    );
    cast(pid, 1);
    const error = errorOf(exitOf(pid));
    expect(error).toBeInstanceOf(HandlerError);
    expect((error as HandlerError).handler).toBe('handleCast');
  });

  test('an async handleInfo that completes empty names handleInfo', () => {
    const def = genServer({ init: () => 0, handleInfo: (_: 'x', _n: number) => EMPTY });
    const pid = spawn(def, undefined);
    send(pid, 'x');
    expect((errorOf(exitOf(pid)) as HandlerError).handler).toBe('handleInfo');
  });

  test('an async handleCall that completes empty names handleCall and fails the caller', async () => {
    const def = genServer({
      init: () => 0,
      handleCall: (
        _: 'x',
        _from: CallRef<number>,
        _n: number,
      ): Observable<CallResult<number, number>> => EMPTY,
    });
    const pid = spawn(def, undefined);
    const failure = await callFailure(call(pid, 'x'));
    expect((errorOf(failure.reason) as HandlerError).handler).toBe('handleCall');
    expect(exitOf(pid)).toBe(failure.reason);
  });
});

describe('handlers written as methods', () => {
  test('are called on the behaviour, so `this` reaches its other members', async () => {
    const seen: unknown[] = [];
    class Stepper {
      readonly step = 10;
      init(): number {
        return 0;
      }
      handleCast(by: number, n: number): number {
        return n + by * this.step;
      }
      handleInfo(message: string, n: number): number {
        seen.push(message, this.step);
        return n;
      }
      handleCall(_req: 'get', _from: CallRef<number>, n: number) {
        return { reply: n + this.step, state: n };
      }
    }
    const pid = spawn(genServer(new Stepper()), undefined);
    cast(pid, 2);
    send(pid, 'tick');
    expect(await call(pid, 'get')).toBe(30);
    expect(seen).toEqual(['tick', 10]);
  });
});

describe('missing handlers', () => {
  const bare = genServer({ init: () => 0 });

  test('a call without handleCall crashes with a HandlerError naming handleCall', async () => {
    const pid: Pid = spawn(bare, undefined);
    const failure = await callFailure(call(pid, 'get'));
    const error = errorOf(failure.reason);
    expect(error).toBeInstanceOf(HandlerError);
    expect((error as HandlerError).handler).toBe('handleCall');
    expect((error as HandlerError).message).toContain('handleCall');
    expect(exitOf(pid)).toEqual(failure.reason);
  });

  test('a cast without handleCast crashes with a HandlerError naming handleCast', () => {
    const pid: Pid = spawn(bare, undefined);
    expect(cast(pid, 'inc')).toBe(true);
    const error = errorOf(exitOf(pid));
    expect(error).toBeInstanceOf(HandlerError);
    expect((error as HandlerError).handler).toBe('handleCast');
    expect((error as HandlerError).message).toContain('handleCast');
  });

  test('a send without handleInfo crashes with a HandlerError naming handleInfo', () => {
    const pid: Pid = spawn(bare, undefined);
    expect(send(pid, 'tick')).toBe(true);
    const error = errorOf(exitOf(pid));
    expect(error).toBeInstanceOf(HandlerError);
    expect((error as HandlerError).handler).toBe('handleInfo');
    expect((error as HandlerError).message).toContain('handleInfo');
  });
});

describe('handleCall results of the wrong shape', () => {
  const shapes: [string, unknown][] = [
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'reply'],
    ['an object without state', { reply: 1 }],
  ];

  test.each(shapes)('%s crashes the actor and fails the caller', async (_label, shape) => {
    const terminated: [ExitReason, string][] = [];
    const def = genServer({
      init: () => 'before',
      handleCall: (_req: 'x', _from: CallRef<number>, _state: string) =>
        shape as CallResult<number, string>,
      terminate: (reason, state) => {
        terminated.push([reason, state]);
      },
    });
    const pid = spawn(def, undefined);
    const failure = await callFailure(call(pid, 'x'));
    const error = errorOf(failure.reason);
    expect(error).toBeInstanceOf(HandlerError);
    expect((error as HandlerError).handler).toBe('handleCall');
    expect(exitOf(pid)).toEqual(failure.reason);
    expect(terminated).toEqual([[failure.reason, 'before']]);
  });

  test('a wrong shape delivered by a Promise crashes the same way', async () => {
    const def = genServer({
      init: () => 0,
      handleCall: (_req: 'x', _from: CallRef<number>, _state: number) =>
        Promise.resolve(7 as unknown as CallResult<number, number>),
    });
    const pid = spawn(def, undefined);
    const failure = await callFailure(call(pid, 'x', { timeout: Infinity }));
    expect((errorOf(failure.reason) as HandlerError).handler).toBe('handleCall');
  });
});

describe('deferred replies', () => {
  type State = { waiting: CallRef<string>[] };

  const deferring = genServer<{
    state: State;
    args: void;
    call: 'wait';
    reply: string;
    cast: string;
  }>()({
    init: () => ({ waiting: [] }),
    handleCall: (_req: 'wait', from: CallRef<string>, state: State) => ({
      noreply: true as const,
      state: { waiting: [...state.waiting, from] },
    }),
    handleCast: (answer: string, state: State, ctx) => {
      for (const from of state.waiting) ctx.reply(from, `${answer}:${String(from.request)}`);
      return { waiting: [] };
    },
  });

  test('noreply keeps the caller waiting until ctx.reply answers it', () => {
    const pid = spawn(deferring, undefined);
    const replies: string[] = [];
    call$(pid, 'wait', { timeout: Infinity }).subscribe((r) => replies.push(r));
    expect(replies).toEqual([]);
    cast(pid, 'done');
    expect(replies).toEqual(['done:wait']);
  });

  test('the state returned with noreply is committed', async () => {
    const sizes: number[] = [];
    const def = genServer<{ state: number; args: void; call: 'wait' | 'size'; reply: number }>()({
      init: () => 0,
      handleCall: (req: 'wait' | 'size', _from: CallRef<number>, n: number) =>
        req === 'wait' ? { noreply: true as const, state: n + 1 } : { reply: n, state: n },
    });
    const pid = spawn(def, undefined);
    call$(pid, 'wait', { timeout: Infinity }).subscribe();
    call$(pid, 'wait', { timeout: Infinity }).subscribe();
    sizes.push(await call(pid, 'size'));
    expect(sizes).toEqual([2]);
  });

  test('ctx.reply may answer from within handleCall itself before returning noreply', async () => {
    const def = genServer({
      init: () => 0,
      handleCall: (req: number, from: CallRef<number>, n: number, ctx) => {
        ctx.reply(from, req * 2);
        return { noreply: true as const, state: n };
      },
    });
    const pid = spawn(def, undefined);
    expect(await call(pid, 21)).toBe(42);
  });

  test('a second ctx.reply to the same caller is ignored', () => {
    const def = genServer<{ state: number; args: void; call: 'twice'; reply: string }>()({
      init: () => 0,
      handleCall: (_req: 'twice', from: CallRef<string>, n: number, ctx) => {
        ctx.reply(from, 'first');
        ctx.reply(from, 'second');
        return { noreply: true as const, state: n };
      },
    });
    const pid = spawn(def, undefined);
    const replies: string[] = [];
    let completed = 0;
    call$(pid, 'twice').subscribe({ next: (r) => replies.push(r), complete: () => completed++ });
    expect(replies).toEqual(['first']);
    expect(completed).toBe(1);
  });
});

describe('genServer definitions', () => {
  test('a definition can be spawned many times; each incarnation has its own state', async () => {
    const def = genServer({
      init: (n: number) => n,
      handleCast: (_: 'inc', n: number) => n + 1,
      handleCall: get,
    });
    const a = spawn(def, 0);
    const b = spawn(def, 100);
    cast(a, 'inc');
    expect(await call(a, 'get')).toBe(1);
    expect(await call(b, 'get')).toBe(100);
  });
});

// docs/design.md, "Types": the protocol-first form is the same actor at run time.
describe('the protocol-first form, genServer<P>()', () => {
  interface Ticker {
    readonly call: 'count';
    readonly reply: number;
    readonly cast: 'reset';
    readonly info: 'tick';
    readonly state: number;
  }

  test('defines an actor that takes calls, casts and info messages', async () => {
    const ticker = genServer<Ticker>()({
      init: () => 0,
      handleInfo: (_tick, n) => n + 1,
      handleCast: () => 0,
      handleCall: (_req, _from, n) => ({ reply: n, state: n }),
    });
    const pid = spawn(ticker);
    send(pid, 'tick');
    send(pid, 'tick');
    expect(await call(pid, 'count')).toBe(2);
    cast(pid, 'reset');
    expect(await call(pid, 'count')).toBe(0);
  });

  test('its ctx is the incarnation: a deferred reply through ctx.reply reaches the caller', async () => {
    const deferring = genServer<{
      call: 'wait';
      reply: string;
      info: 'go';
      state: CallRef<string>[];
    }>()({
      init: () => [],
      handleCall: (_req, from, waiting, ctx) => {
        ctx.mailbox.next('go');
        return { noreply: true, state: [...waiting, from] };
      },
      handleInfo: (_go, waiting, ctx) => {
        for (const from of waiting) ctx.reply(from, 'done');
        return [];
      },
    });
    expect(await call(spawn(deferring), 'wait')).toBe('done');
  });

  test('a behavior that is not one throws a TypeError naming genServer<P>() and the field', () => {
    const define = genServer<Ticker>();
    expect(() => define(undefined as never)).toThrow(
      /^genServer<P>\(\): behavior.init must be a function/,
    );
    expect(() => define({ init: () => 0, handleCast: 1 } as never)).toThrow(
      /^genServer<P>\(\): behavior.handleCast must be a function or left out, got 1\.$/,
    );
  });
});
