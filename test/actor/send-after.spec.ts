import { queueScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { genServer, published$, send, spawn, stop } from '../../src/index.js';
import { exitOf } from '../support.js';

const newScheduler = () =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** An actor that takes only info messages and counts them. */
interface Counting {
  state: number;
  args: void;
  call: never;
  reply: never;
  cast: never;
  info: string;
}

/**
 * Publishes every info message it handles. On start it arms one timer per
 * entry of `timers`; 'arm:<ms>:<msg>' arms another one from a handler.
 */
const ticker = genServer<{
  state: number;
  args: [number, string][];
  published: string;
  call: never;
  reply: never;
  cast: never;
  info: string;
}>()({
  init: (timers, ctx) => {
    for (const [delay, msg] of timers) ctx.sendAfter(delay, msg);
    return 0;
  },
  handleInfo: (msg, n, ctx) => {
    const [verb, delay, payload] = msg.split(':');
    if (verb === 'arm') ctx.sendAfter(Number(delay), payload ?? '');
    else ctx.publish(msg);
    return n + 1;
  },
});

test('a sendAfter message arrives at the frame it was set for', () => {
  const testScheduler = newScheduler();
  testScheduler.run(({ expectObservable }) => {
    const pid = spawn(
      ticker,
      [
        [3, 'a'],
        [7, 'b'],
      ],
      { scheduler: testScheduler },
    );
    expectObservable(published$(pid)).toBe('---a---b');
  });
});

test('the delay counts from when the handler that set it ran', () => {
  const testScheduler = newScheduler();
  testScheduler.run(({ expectObservable }) => {
    const pid = spawn(ticker, [], { scheduler: testScheduler });
    testScheduler.schedule(() => send(pid, 'arm:2:x'), 4);
    expectObservable(published$(pid)).toBe('------x');
  });
});

test('timers are cancelled when the incarnation exits', () => {
  const testScheduler = newScheduler();
  testScheduler.run(({ expectObservable }) => {
    const pid = spawn(
      ticker,
      [
        [3, 'a'],
        [7, 'b'],
      ],
      { scheduler: testScheduler },
    );
    testScheduler.schedule(() => stop(pid), 5);
    expectObservable(published$(pid)).toBe('---a-|');
  });
});

test('timers are cancelled when the lifecycle stream is unsubscribed', () => {
  const testScheduler = newScheduler();
  let handled = 0;
  const def = genServer<Counting>()({
    init: (_, ctx) => {
      ctx.sendAfter(10, 'late');
      return 0;
    },
    handleInfo: (_: string, n: number) => {
      handled++;
      return n + 1;
    },
  });
  testScheduler.run(() => {
    const subscription = def.start(undefined, { scheduler: testScheduler }).subscribe();
    testScheduler.schedule(() => subscription.unsubscribe(), 5);
  });
  expect(handled).toBe(0);
});

test('the Subscription sendAfter returns cancels that one timer', () => {
  const testScheduler = newScheduler();
  const def = genServer<Counting>()({
    init: (_, ctx) => {
      ctx.sendAfter(2, 'kept');
      ctx.sendAfter(4, 'dropped').unsubscribe();
      return 0;
    },
    handleInfo: (msg: string, n: number, ctx) => {
      ctx.publish(msg);
      return n;
    },
  });
  testScheduler.run(({ expectObservable }) => {
    const pid = spawn(def, undefined, { scheduler: testScheduler });
    expectObservable(published$(pid)).toBe('--k', { k: 'kept' });
  });
});

test('without a scheduler option, sendAfter uses asyncScheduler: virtual time inside run', () => {
  const testScheduler = newScheduler();
  testScheduler.run(({ expectObservable }) => {
    const pid = spawn(ticker, [[5, 'z']]);
    expectObservable(published$(pid)).toBe('-----z');
  });
});

test('outside run mode, the timer fires when the TestScheduler is flushed', () => {
  const testScheduler = newScheduler();
  const seen: string[] = [];
  const pid = spawn(ticker, [[30, 'later']], { scheduler: testScheduler });
  published$(pid).subscribe((msg) => seen.push(msg));
  expect(seen).toEqual([]);
  testScheduler.flush();
  expect(seen).toEqual(['later']);
  expect(testScheduler.now()).toBe(30);
  stop(pid);
});

test('sendAfter(0) on a synchronous scheduler (queueScheduler) delivers the message', () => {
  const got: string[] = [];
  const def = genServer({
    init: () => 0,
    handleInfo: (msg: string, n: number, ctx) => {
      if (msg === 'arm') ctx.sendAfter(0, 'tick');
      else got.push(msg);
      return n;
    },
  });
  const pid = spawn(def, undefined, { scheduler: queueScheduler });
  expect(() => send(pid, 'arm')).not.toThrow();
  expect(exitOf(pid)).toBeUndefined();
  expect(got).toEqual(['tick']);
});
