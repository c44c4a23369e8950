import { Subject, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  ActorExitError,
  NoProcError,
  Registry,
  call,
  call$,
  cast,
  genServer,
  send,
  spawn,
  stop,
  via,
  type CallRef,
  type Pid,
  type Protocol,
} from '../../src/index.js';
import { exitOf } from '../support.js';

/** A scheduler that is never flushed: a call that waited for its timeout would never settle. */
const frozen = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** Everything a call$ subscription saw, synchronously. */
type Outcome<R> = { values: R[]; error?: unknown; completed: boolean };
function observe<R>(source: Observable<R>): Outcome<R> {
  const outcome: Outcome<R> = { values: [], completed: false };
  source.subscribe({
    next: (v) => outcome.values.push(v),
    error: (e: unknown) => (outcome.error = e),
    complete: () => (outcome.completed = true),
  });
  return outcome;
}

/**
 * Echoes requests with a prefix. 'hold' (a cast) makes it wait for `gate`, so
 * requests queue; 'defer' keeps the caller until a 'release' cast; 'crash' throws.
 */
type State = { count: number; waiting: CallRef[] };
function echo(gate = new Subject<State>()) {
  return genServer<{ state: State; args: void; call: string; reply: string; cast: string }>()({
    init: () => ({ count: 0, waiting: [] }),
    handleCall: (req, from, state) => {
      if (req === 'crash') throw new Error(`crash on ${req}`);
      if (req === 'defer')
        return { noreply: true, state: { ...state, waiting: [...state.waiting, from] } };
      return { reply: `${req}#${state.count}`, state: { ...state, count: state.count + 1 } };
    },
    handleCast: (req, state, ctx) => {
      if (req === 'hold') return gate;
      if (req === 'release') {
        [...state.waiting].reverse().forEach((from, i) => ctx.reply(from, `released ${i}`));
        return { ...state, waiting: [] };
      }
      return { ...state, count: state.count + Number(req) };
    },
  });
}

describe('call', () => {
  test('resolves with the reply of handleCall', async () => {
    const pid = spawn(echo(), undefined);
    expect(await call(pid, 'hello')).toBe('hello#0');
    expect(await call(pid, 'again')).toBe('again#1');
  });

  test('ten concurrent calls queued behind a busy actor are each answered exactly once, with their own reply', async () => {
    const gate = new Subject<State>();
    const pid = spawn(echo(gate), undefined);
    cast(pid, 'hold');
    const requests = Array.from({ length: 10 }, (_, i) => `r${i}`);
    const outcomes = requests.map((r) => observe(call$(pid, r, { timeout: Infinity })));
    const promises = requests.map((r) => call(pid, `p-${r}`, { timeout: Infinity }));
    expect(outcomes.every((o) => o.values.length === 0)).toBe(true);
    gate.next({ count: 0, waiting: [] });
    gate.complete();
    expect(outcomes).toEqual(requests.map((r, i) => ({ values: [`${r}#${i}`], completed: true })));
    expect(await Promise.all(promises)).toEqual(requests.map((r, i) => `p-${r}#${10 + i}`));
  });

  test('ten deferred calls answered in reverse order each get their own answer, once', () => {
    const pid = spawn(echo(), undefined);
    const outcomes = Array.from({ length: 10 }, () =>
      observe(call$(pid, 'defer', { timeout: Infinity })),
    );
    cast(pid, 'release');
    cast(pid, 'release');
    expect(outcomes).toEqual(
      Array.from({ length: 10 }, (_, i) => ({ values: [`released ${9 - i}`], completed: true })),
    );
  });

  test('a cast then a call from the same sender are handled in that order', async () => {
    const gate = new Subject<State>();
    const pid = spawn(echo(gate), undefined);
    cast(pid, 'hold');
    cast(pid, '5');
    const reply = call(pid, 'after-cast', { timeout: Infinity });
    gate.next({ count: 0, waiting: [] });
    gate.complete();
    expect(await reply).toBe('after-cast#5');
  });

  test('a call made inside a handler is answered after that handler returns', async () => {
    const server = spawn(echo(), undefined);
    const replies: Promise<string>[] = [];
    const client = spawn(
      genServer({
        init: () => 0,
        handleInfo: (_: 'go', n: number) => {
          replies.push(call(server, 'from-client'));
          return n;
        },
      }),
      undefined,
    );
    send(client, 'go');
    expect(await replies[0]).toBe('from-client#0');
  });

  test('to a dead pid rejects at once with NoProcError, without waiting for the timeout', async () => {
    const pid = spawn(echo(), undefined);
    stop(pid);
    const error: unknown = await call(pid, 'anyone?', { scheduler: frozen() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NoProcError);
    expect((error as NoProcError).target).toBe(String(pid));
    expect(observe(call$(pid, 'anyone?')).error).toBeInstanceOf(NoProcError);
  });

  test('to an unregistered via name rejects at once with NoProcError', async () => {
    const registry = new Registry();
    const error: unknown = await call(via<Protocol>(registry, 'ghost'), 'hi', {
      scheduler: frozen(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoProcError);
    expect((error as NoProcError).message).toContain('ghost');
  });

  test('a handler that throws rejects the caller at once with ActorExitError carrying the reason', () => {
    const pid = spawn(echo(), undefined);
    const outcome = observe(call$(pid, 'crash'));
    expect(outcome.error).toBeInstanceOf(ActorExitError);
    const reason = (outcome.error as ActorExitError).reason;
    expect(reason).toEqual({ kind: 'error', error: new Error('crash on crash') });
    expect(exitOf(pid)).toBe(reason);
  });

  test('calls waiting for a deferred reply are rejected with ActorExitError when the actor stops', async () => {
    const pid = spawn(echo(), undefined);
    const waiting = [call(pid, 'defer'), call(pid, 'defer')];
    stop(pid);
    const errors = await Promise.all(waiting.map((p) => p.catch((e: unknown) => e)));
    for (const error of errors) {
      expect(error).toBeInstanceOf(ActorExitError);
      expect((error as ActorExitError).reason).toEqual({ kind: 'normal' });
    }
  });

  test('a call waiting for a deferred reply is rejected when the actor crashes, with the crash reason', () => {
    const pid = spawn(echo(), undefined);
    const waiting = observe(call$(pid, 'defer'));
    const crashing = observe(call$(pid, 'crash'));
    expect(waiting.error).toBeInstanceOf(ActorExitError);
    expect((waiting.error as ActorExitError).reason).toBe(
      (crashing.error as ActorExitError).reason,
    );
  });

  test('a call waiting for a deferred reply is rejected with cancelled when the actor is unsubscribed', () => {
    let pid: Pid | undefined;
    const subscription = echo()
      .start(undefined)
      .subscribe((n) => (pid = n.pid));
    const waiting = observe(call$(pid!, 'defer'));
    subscription.unsubscribe();
    expect((waiting.error as ActorExitError).reason).toEqual({ kind: 'cancelled' });
  });
});

describe('call$', () => {
  test('is cold: nothing is sent until it is subscribed, and each subscription sends once', () => {
    const handled: string[] = [];
    const def = genServer({
      init: () => 0,
      handleCall: (req: string, _from: CallRef<number>, n: number) => {
        handled.push(req);
        return { reply: n, state: n + 1 };
      },
    });
    const pid = spawn(def, undefined);
    const request$ = call$(pid, 'q');
    expect(handled).toEqual([]);
    const first = observe(request$);
    const second = observe(request$);
    expect(handled).toEqual(['q', 'q']);
    expect(first).toEqual({ values: [0], completed: true });
    expect(second).toEqual({ values: [1], completed: true });
  });

  test('unsubscribing drops the reply; the actor carries on', () => {
    const pid = spawn(echo(), undefined);
    const values: string[] = [];
    const subscription = call$(pid, 'defer').subscribe((v) => values.push(v));
    subscription.unsubscribe();
    cast(pid, 'release');
    expect(values).toEqual([]);
    expect(exitOf(pid)).toBeUndefined();
    expect(observe(call$(pid, 'next'))).toEqual({ values: ['next#0'], completed: true });
  });

  test('unsubscribing before a queued request is handled drops its reply too', () => {
    const gate = new Subject<State>();
    const pid = spawn(echo(gate), undefined);
    cast(pid, 'hold');
    const values: string[] = [];
    call$(pid, 'queued')
      .subscribe((v) => values.push(v))
      .unsubscribe();
    gate.next({ count: 0, waiting: [] });
    gate.complete();
    expect(values).toEqual([]);
    expect(exitOf(pid)).toBeUndefined();
  });
});
