import { map, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CallTimeoutError, call$, genServer, spawn } from '../src/index.js';

// An AbortSignal aborted at a virtual frame fails the call$ at that frame; the
// reply that comes later is dropped, and the timeout no longer fires.

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** Answers 'slow' after 20 frames (its handler holds the mailbox meanwhile). */
const slow = genServer({
  init: () => 0,
  handleCall: (_: 'slow', _from, n: number) =>
    timer(20).pipe(map(() => ({ reply: 'done', state: n + 1 }))),
});

describe('call$ with a signal, on virtual time', () => {
  test('aborting at frame 5 errors with the reason then; the reply at 20 and the timeout at 30 are dropped', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const pid = spawn(slow, undefined);
      const controller = new AbortController();
      const reason = new Error('aborted');
      ts.schedule(() => controller.abort(reason), 5);
      // prettier-ignore
      const expected = '-----#';
      expectObservable(
        call$(pid, 'slow', { timeout: 30, scheduler: ts, signal: controller.signal }),
      ).toBe(expected, undefined, reason);
    });
  });

  test('a signal never aborted: the reply at frame 20 arrives as usual', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const pid = spawn(slow, undefined);
      const controller = new AbortController();
      // prettier-ignore
      const expected = '--------------------(d|)';
      expectObservable(
        call$(pid, 'slow', { timeout: 30, scheduler: ts, signal: controller.signal }),
      ).toBe(expected, { d: 'done' });
    });
  });

  test('a timeout before the abort wins: CallTimeoutError at frame 10, the abort at 15 changes nothing', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const pid = spawn(slow, undefined);
      const controller = new AbortController();
      ts.schedule(() => controller.abort(), 15);
      // prettier-ignore
      const expected = '----------#';
      expectObservable(
        call$(pid, 'slow', { timeout: 10, scheduler: ts, signal: controller.signal }),
      ).toBe(expected, undefined, new CallTimeoutError(String(pid), 10));
    });
  });
});
