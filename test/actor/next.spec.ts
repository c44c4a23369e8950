// next(result, { continue, timeout }): docs/design.md, "Continue and idle timeout".
// Timing of the idle timeout is in marbles/idle-timeout.spec.ts.
import { queueScheduler } from 'rxjs';
import {
  call,
  cast,
  genServer,
  next,
  send,
  spawn,
  state$,
  type TimeoutMessage,
} from '../../src/index.js';
import { exitOf } from '../support.js';

describe('continue', () => {
  test('handleContinue runs right after the result, before messages already queued', async () => {
    const log: string[] = [];
    const def = genServer({
      init: () => 0,
      handleCast: (msg: string, n) => {
        log.push(`cast ${msg}`);
        return msg === 'first' ? next(n + 1, { continue: 'after first' }) : n + 1;
      },
      handleContinue: (value, n) => {
        log.push(`continue ${String(value)} at ${n}`);
        return n * 10;
      },
      handleCall: (_: 'get', _from, n) => ({ reply: n, state: n }),
    });
    const pid = spawn(def, undefined);
    // Both casts are queued behind the outer one: the continue runs between them.
    const outer = genServer({
      init: () => 0,
      handleInfo: (target: typeof pid, n) => {
        cast(target, 'first');
        cast(target, 'second');
        return n;
      },
    });
    send(spawn(outer, undefined), pid);
    expect(log).toEqual(['cast first', 'continue after first at 1', 'cast second']);
    await expect(call(pid, 'get')).resolves.toBe(11);
  });

  test('init may ask for a continue: it runs after started, before the first message', () => {
    const log: string[] = [];
    const def = genServer({
      init: () => next('booting', { continue: 'load' }),
      handleContinue: (value, s) => {
        log.push(`continue ${String(value)} in ${s}`);
        return 'ready';
      },
      handleInfo: (msg: string, s) => (log.push(`${msg} in ${s}`), s),
    });
    def.start(undefined).subscribe((n) => {
      log.push(n.kind);
      // Sent while the started notification is delivered: it waits for the continue.
      if (n.kind === 'started') send(n.pid, 'hello');
    });
    expect(log).toEqual(['started', 'continue load in booting', 'hello in ready']);
  });

  test('a chain of 100,000 synchronous continues runs in a loop, not on the stack', () => {
    const def = genServer({
      init: () => next(0, { continue: 'step' }),
      handleContinue: (_c, n: number) => (n < 100_000 ? next(n + 1, { continue: 'step' }) : n),
      handleCall: (_: 'get', _from, n) => ({ reply: n, state: n }),
    });
    const pid = spawn(def, undefined);
    const seen: unknown[] = [];
    state$(pid).subscribe((s) => seen.push(s));
    expect(seen).toEqual([100_000]);
  });

  test('an async handleContinue holds the mailbox until it settles', async () => {
    const log: string[] = [];
    let release: (v: number) => void = () => {};
    const def = genServer({
      init: () => next(0, { continue: 'slow' }),
      handleContinue: () => new Promise<number>((resolve) => (release = resolve)),
      handleInfo: (msg: string, n) => (log.push(`${msg} at ${n}`), n),
    });
    const pid = spawn(def, undefined);
    send(pid, 'early');
    expect(log).toEqual([]);
    release(7);
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(['early at 7']);
  });

  test('handleCall may wrap { reply, state } in next: the reply is given, then the continue runs', async () => {
    const log: string[] = [];
    const def = genServer({
      init: () => 0,
      handleCall: (_: 'bump', _from, n) => next({ reply: n, state: n + 1 }, { continue: 'log' }),
      handleContinue: (_c, n) => (log.push(`state ${n}`), n),
    });
    const pid = spawn(def, undefined);
    await expect(call(pid, 'bump')).resolves.toBe(0);
    expect(log).toEqual(['state 1']);
  });

  test('a plain state object with a continue field is a state, not a request', async () => {
    const def = genServer({
      init: () => ({ continue: 'x', timeout: 5 }),
      handleCall: (_: 'get', _from, s) => ({ reply: s, state: s }),
    });
    await expect(call(spawn(def, undefined), 'get')).resolves.toEqual({
      continue: 'x',
      timeout: 5,
    });
  });

  test('a continue without handleContinue crashes with a HandlerError naming it', () => {
    const def = genServer({ init: () => next(0, { continue: 'x' }) });
    const pid = spawn(def, undefined);
    const reason = exitOf(pid) as { kind: string; error: Error };
    expect(reason.error.name).toBe('HandlerError');
    expect(reason.error.message).toContain('handleContinue of');
  });

  test('handleContinue returning undefined crashes with a HandlerError (undefined is never a state)', () => {
    const def = genServer({
      init: () => next(0, { continue: 'x' }),
      handleContinue: () => undefined as unknown as number,
    });
    const reason = exitOf(spawn(def, undefined)) as { kind: string; error: Error };
    expect(reason.error.name).toBe('HandlerError');
    expect(reason.error.message).toContain('handleContinue');
  });

  test('a throwing handleContinue is an error exit with what it threw', () => {
    const def = genServer({
      init: () => next(0, { continue: 'x' }),
      handleContinue: (): number => {
        throw new RangeError('no');
      },
    });
    expect(exitOf(spawn(def, undefined))).toEqual({ kind: 'error', error: new RangeError('no') });
  });

  test('ctx.stop in a handler wins over its continue', () => {
    const log: string[] = [];
    const def = genServer({
      init: () => 0,
      handleCast: (_: 'stop', n, ctx) => (ctx.stop(), next(n, { continue: 'x' })),
      handleContinue: (_c, n) => (log.push('continued'), n),
    });
    const pid = spawn(def, undefined);
    cast(pid, 'stop');
    expect(exitOf(pid)).toEqual({ kind: 'normal' });
    expect(log).toEqual([]);
  });
});

describe('idle timeout on a synchronous scheduler', () => {
  test('a 0 ms timeout on queueScheduler still arrives, once', () => {
    const seen: unknown[] = [];
    const def = genServer({
      init: () => next(0, { timeout: 0 }),
      handleInfo: (msg: TimeoutMessage, n) => (seen.push(msg), n + 1),
    });
    spawn(def, undefined, { scheduler: queueScheduler });
    expect(seen).toEqual([{ kind: 'timeout', after: 0 }]);
  });
});

describe('next: bad input', () => {
  test.each([
    [null, new TypeError('next: options must be an object like { continue, timeout }, got null.')],
    [undefined, new TypeError('next: options must be { continue?, timeout? }, got undefined.')],
    [
      { timeout: '5' },
      new TypeError("next: options.timeout must be a number of ms >= 0 (or Infinity), got '5'."),
    ],
    [
      { timeout: -1 },
      new RangeError('next: options.timeout must be a number of ms >= 0 (or Infinity), got -1.'),
    ],
    [
      { timeout: NaN },
      new RangeError('next: options.timeout must be a number of ms >= 0 (or Infinity), got NaN.'),
    ],
  ])('%p is refused', (options, error) => {
    expect(() => next(0, options as never)).toThrow(error);
  });
});
