// The report stream: an error no caller can receive is reported, never rethrown
// (docs/design.md, "Reports").
import { config, of, type Subscription } from 'rxjs';
import {
  child,
  genServer,
  oneForOne,
  reports$,
  spawn,
  stop,
  type Report,
} from '../../src/index.js';

const boom = new Error('terminate bug');
const failing = genServer({
  init: () => 0,
  handleCast: (_: 'x', n) => n,
  terminate: () => {
    throw boom;
  },
});

describe('reports$', () => {
  let errorLog: jest.SpyInstance;
  let sub: Subscription | undefined;
  beforeEach(() => {
    errorLog = jest.spyOn(console, 'error').mockImplementation(() => {});
    config.onUnhandledError = null;
  });
  afterEach(() => {
    sub?.unsubscribe();
    sub = undefined;
    errorLog.mockRestore();
  });

  test('a throwing terminate is a typed report naming the callback and the pid', () => {
    const seen: Report[] = [];
    sub = reports$.subscribe((r) => seen.push(r));
    const pid = spawn(failing, undefined);
    stop(pid);
    expect(seen).toEqual([{ kind: 'callback', callback: 'terminate', error: boom, pid }]);
    // Someone listened: nothing on the console.
    expect(errorLog).not.toHaveBeenCalled();
  });

  test('with no listener and no config.onUnhandledError, it is logged once, never thrown', () => {
    const pid = spawn(failing, undefined);
    expect(() => stop(pid)).not.toThrow();
    expect(errorLog).toHaveBeenCalledTimes(1);
    const [line, error] = errorLog.mock.calls[0] as unknown[];
    expect(line).toBe(`rxotp: terminate of ${String(pid)} failed`);
    expect(error).toBe(boom);
  });

  test('a rejected terminate is reported the same way', async () => {
    const seen: Report[] = [];
    sub = reports$.subscribe((r) => seen.push(r));
    const rejecting = genServer({
      init: () => 0,
      handleCast: (_: 'x', n) => n,
      terminate: () => Promise.reject(boom),
    });
    const pid = spawn(rejecting, undefined);
    stop(pid);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([{ kind: 'callback', callback: 'terminate', error: boom, pid }]);
  });

  test('config.onUnhandledError gets the error too, and the console stays quiet', () => {
    const handler = jest.fn();
    config.onUnhandledError = handler;
    stop(spawn(failing, undefined));
    expect(handler).toHaveBeenCalledWith(boom);
    expect(errorLog).not.toHaveBeenCalled();
  });

  test('a config.onUnhandledError that throws is logged, not rethrown', () => {
    config.onUnhandledError = () => {
      throw new Error('handler bug');
    };
    expect(() => stop(spawn(failing, undefined))).not.toThrow();
    expect(errorLog).toHaveBeenCalledTimes(1);
  });

  test('an error that cannot be printed is still reported by its place', () => {
    errorLog.mockImplementationOnce(() => {
      throw new TypeError('cannot inspect');
    });
    const pid = spawn(failing, undefined);
    expect(() => stop(pid)).not.toThrow();
    expect(errorLog).toHaveBeenLastCalledWith(
      `rxotp: terminate of ${String(pid)} failed (the error could not be printed)`,
    );
  });

  test('a throwing backoff function names the supervisor and the child', () => {
    const seen: Report[] = [];
    sub = reports$.subscribe((r) => seen.push(r));
    const oops = new Error('backoff bug');
    let starts = 0;
    const tree = of(
      child('flaky', () => {
        starts++;
        throw new Error('start failed');
      }),
    ).pipe(
      oneForOne({
        intensity: 1,
        backoff: () => {
          throw oops;
        },
      }),
    );
    const s = tree.subscribe();
    s.unsubscribe();
    expect(starts).toBe(2);
    expect(seen).toEqual([
      expect.objectContaining({
        kind: 'callback',
        callback: 'backoff',
        error: oops,
        path: ['flaky'],
      }),
    ]);
  });
});
