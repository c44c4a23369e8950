import { map, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  CallTimeoutError,
  call,
  call$,
  cast,
  genServer,
  spawn,
  type CallRef,
} from '../../src/index.js';
import { exitOf, useUnhandledErrors } from '../support.js';

const newScheduler = () =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const unhandledErrors = useUnhandledErrors();

/**
 * A server that never answers 'never' by itself (the caller is kept for a
 * later 'answer' cast), answers 'slow' after `slowFrames` frames (its handler
 * holds the mailbox meanwhile), and answers anything else at once.
 */
type State = { count: number; kept: CallRef[] };
function server(slowFrames = 20) {
  return genServer<{ state: State; args: void; call: string; reply: string; cast: 'answer' }>()({
    init: () => ({ count: 0, kept: [] }),
    handleCall: (req, from, state) => {
      if (req === 'never')
        return { noreply: true, state: { ...state, kept: [...state.kept, from] } };
      if (req === 'slow') {
        return timer(slowFrames).pipe(
          map(() => ({ reply: 'slow done', state: { ...state, count: state.count + 1 } })),
        );
      }
      return { reply: `${req} ${state.count}`, state: { ...state, count: state.count + 1 } };
    },
    handleCast: (_req, state, ctx) => {
      for (const from of state.kept) ctx.reply(from, 'late answer');
      return { ...state, kept: [] };
    },
  });
}

describe('on virtual time, with call$ inside TestScheduler.run', () => {
  test('a call without an answer fails with CallTimeoutError exactly when the timeout elapses', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ expectObservable }) => {
      const pid = spawn(server(), undefined);
      expectObservable(call$(pid, 'never', { timeout: 10, scheduler: testScheduler })).toBe(
        '10ms #',
        undefined,
        new CallTimeoutError(String(pid), 10),
      );
    });
  });

  test('the error names the target and the timeout', () => {
    const testScheduler = newScheduler();
    let error: unknown;
    testScheduler.run(() => {
      const pid = spawn(server(), undefined);
      call$(pid, 'never', { timeout: 25, scheduler: testScheduler }).subscribe({
        error: (e: unknown) => (error = e),
      });
    });
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect((error as CallTimeoutError).timeout).toBe(25);
    expect((error as CallTimeoutError).target).toMatch(/pid/);
    expect((error as CallTimeoutError).name).toBe('CallTimeoutError');
  });

  test('an answer that comes before the timeout wins', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ expectObservable }) => {
      const pid = spawn(server(5), undefined);
      expectObservable(call$(pid, 'slow', { timeout: 10, scheduler: testScheduler })).toBe(
        '-----(r|)',
        { r: 'slow done' },
      );
    });
  });

  test('the default timeout is 5000 ms, on asyncScheduler (virtual inside run)', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ expectObservable }) => {
      const pid = spawn(server(), undefined);
      expectObservable(call$(pid, 'never')).toBe(
        '5000ms #',
        undefined,
        new CallTimeoutError(String(pid), 5000),
      );
    });
  });

  test('timeout: Infinity waits for as long as it takes', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ expectObservable }) => {
      const pid = spawn(server(100_000), undefined);
      expectObservable(call$(pid, 'slow', { timeout: Infinity })).toBe('100000ms (r|)', {
        r: 'slow done',
      });
    });
  });

  test('a call answered synchronously never times out, even with timeout 0', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ expectObservable }) => {
      const pid = spawn(server(), undefined);
      expectObservable(call$(pid, 'quick', { timeout: 0, scheduler: testScheduler })).toBe('(r|)', {
        r: 'quick 0',
      });
    });
  });

  test('a slow handler keeps running after its caller timed out; its late reply is dropped quietly', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ expectObservable }) => {
      const pid = spawn(server(20), undefined);
      expectObservable(call$(pid, 'slow', { timeout: 10, scheduler: testScheduler })).toBe(
        '10ms #',
        undefined,
        new CallTimeoutError(String(pid), 10),
      );
      // Queued behind the slow handler: answered once it commits, at frame 20.
      expectObservable(call$(pid, 'next', { timeout: 50, scheduler: testScheduler })).toBe(
        '20ms (r|)',
        { r: 'next 1' },
      );
    });
    expect(unhandledErrors()).not.toHaveBeenCalled();
  });
});

describe('with call and a TestScheduler flushed by hand', () => {
  test('rejects with CallTimeoutError once the scheduler reaches the timeout', async () => {
    const testScheduler = newScheduler();
    const pid = spawn(server(), undefined);
    let settled = false;
    const reply = call(pid, 'never', { timeout: 100, scheduler: testScheduler }).finally(
      () => (settled = true),
    );
    await Promise.resolve();
    expect(settled).toBe(false);
    testScheduler.flush();
    await expect(reply).rejects.toBeInstanceOf(CallTimeoutError);
    expect(testScheduler.now()).toBe(100);
  });

  test('a reply given after the timeout is dropped without harm', async () => {
    const testScheduler = newScheduler();
    const pid = spawn(server(), undefined);
    const values: string[] = [];
    const reply = call(pid, 'never', { timeout: 100, scheduler: testScheduler }).then((v) => {
      values.push(v);
      return v;
    });
    testScheduler.flush();
    await expect(reply).rejects.toBeInstanceOf(CallTimeoutError);
    cast(pid, 'answer');
    await Promise.resolve();
    expect(values).toEqual([]);
    expect(unhandledErrors()).not.toHaveBeenCalled();
    expect(exitOf(pid)).toBeUndefined();
    expect(await call(pid, 'still there?', { scheduler: testScheduler })).toBe('still there? 0');
  });
});
