import { map, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { genServer, next, send, spawn, stop, type TimeoutMessage } from '../src/index.js';

// The idle timeout of next(state, { timeout }) and the continue, on virtual
// time (docs/design.md, "Continue and idle timeout"): a typed timeout message
// when nothing arrives in time; any message cancels it.

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

type Seen = string;

/** Logs each message it handles as `<frame> <message>`; re-arms a 10-frame idle timeout after each. */
function idler(ts: TestScheduler, log: Seen[], after = 10) {
  return genServer({
    init: () => next(0, { timeout: after }),
    handleInfo: (msg: string | TimeoutMessage, n) => {
      log.push(`${ts.now()} ${typeof msg === 'string' ? msg : `${msg.kind} ${msg.after}`}`);
      return typeof msg === 'string' ? next(n + 1, { timeout: after }) : n;
    },
  });
}

describe('idle timeout, on virtual time', () => {
  test('fires once, exactly `timeout` frames after the result, when nothing arrives', () => {
    const ts = testScheduler();
    const log: Seen[] = [];
    ts.run(() => {
      spawn(idler(ts, log), undefined, { scheduler: ts });
    });
    expect(log).toEqual(['10 timeout 10']);
  });

  test('each message cancels it, and the new result arms a fresh one', () => {
    const ts = testScheduler();
    const log: Seen[] = [];
    ts.run(({ hot }) => {
      const pid = spawn(idler(ts, log), undefined, { scheduler: ts });
      // prettier-ignore
      hot('----a----b---------------c').subscribe((m) => send(pid, m));
    });
    expect(log).toEqual(['4 a', '9 b', '19 timeout 10', '25 c', '35 timeout 10']);
  });

  test('a result without a timeout leaves none armed', () => {
    const ts = testScheduler();
    const log: string[] = [];
    ts.run(({ hot }) => {
      const def = genServer({
        init: () => next(0, { timeout: 5 }),
        handleInfo: (msg: string | TimeoutMessage, n) => {
          log.push(`${ts.now()} ${typeof msg === 'string' ? msg : msg.kind}`);
          return n;
        },
      });
      const pid = spawn(def, undefined, { scheduler: ts });
      // prettier-ignore
      hot('--a').subscribe((m) => send(pid, m));
    });
    expect(log).toEqual(['2 a']);
  });

  test('Infinity asks for no timeout', () => {
    const ts = testScheduler();
    const log: Seen[] = [];
    ts.run(() => {
      spawn(idler(ts, log, Infinity), undefined, { scheduler: ts });
    });
    expect(log).toEqual([]);
  });

  test('the timeout ends with the incarnation', () => {
    const ts = testScheduler();
    const log: Seen[] = [];
    ts.run(() => {
      const pid = spawn(idler(ts, log), undefined, { scheduler: ts });
      ts.schedule(() => stop(pid), 5);
    });
    expect(log).toEqual([]);
  });

  test('a continue runs first; the timeout of its result counts from when it settles', () => {
    const ts = testScheduler();
    const log: string[] = [];
    ts.run(({ hot }) => {
      const def = genServer({
        init: () => next('boot', { continue: 'load', timeout: 1 }),
        // Loading takes 3 frames and holds the mailbox meanwhile.
        handleContinue: () => timer(3).pipe(map(() => next('ready', { timeout: 10 }))),
        handleInfo: (msg: string | TimeoutMessage, s) => {
          log.push(`${ts.now()} ${typeof msg === 'string' ? msg : msg.kind} in ${s}`);
          return s;
        },
      });
      const pid = spawn(def, undefined, { scheduler: ts });
      // prettier-ignore
      hot('-a').subscribe((m) => send(pid, m));
    });
    // 'a' arrives at 1 and waits for the continue (done at 3); no timeout is armed after
    // 'a' (handleInfo returns a plain state).
    expect(log).toEqual(['3 a in ready']);
  });

  test('with no message, the continue result arms the timeout from when it settled', () => {
    const ts = testScheduler();
    const log: string[] = [];
    ts.run(() => {
      const def = genServer({
        init: () => next('boot', { continue: 'load' }),
        handleContinue: () => timer(3).pipe(map(() => next('ready', { timeout: 10 }))),
        handleInfo: (msg: TimeoutMessage, s) => {
          log.push(`${ts.now()} ${msg.kind} in ${s}`);
          return s;
        },
      });
      spawn(def, undefined, { scheduler: ts });
    });
    expect(log).toEqual(['13 timeout in ready']);
  });
});
