import { firstValueFrom, lastValueFrom, throwError, toArray } from 'rxjs';
import {
  ActorExitError,
  Registry,
  call,
  cast,
  genServer,
  send,
  spawn,
  stop,
  type CallRef,
  type ExitReason,
  type MaybeAsync,
  type Pid,
} from '../../src/index.js';
import { useUnhandledErrors } from '../support.js';

// Every callback may fail synchronously or asynchronously; each way is its own test.
type Failure = (boom: Error) => MaybeAsync<never>;
const failures: [string, Failure][] = [
  [
    'a synchronous throw',
    (boom) => {
      throw boom;
    },
  ],
  ['a rejected Promise', (boom) => Promise.reject(boom)],
  ['an Observable that errors', (boom) => throwError(() => boom)],
];

const unhandledErrors = useUnhandledErrors();

/** Resolves with the exit reason of `pid` once it has exited. */
const exited = (pid: Pid): Promise<ExitReason> => firstValueFrom(pid.exit$);

type Terminated = [ExitReason, number];

describe.each(failures)('%s', (_label, fail) => {
  test('in init: only exit(error) is emitted, no started, no terminate, no name', async () => {
    const boom = new Error('init failed');
    const terminate = jest.fn();
    const registry = new Registry();
    const def = genServer({ init: (): MaybeAsync<number> => fail(boom), terminate });
    const events = await lastValueFrom(
      def.start(undefined, { name: 'svc', registry }).pipe(toArray()),
    );
    expect(events.map((n) => n.kind)).toEqual(['exit']);
    const exit = events[0];
    expect(exit?.kind === 'exit' && exit.reason).toEqual({ kind: 'error', error: boom });
    expect(terminate).not.toHaveBeenCalled();
    expect(registry.whereis('svc')).toBeUndefined();
  });

  test('in handleCall: the caller gets ActorExitError with the reason, the actor exits with it', async () => {
    const boom = new Error('call failed');
    const terminated: Terminated[] = [];
    const def = genServer({
      init: () => 1,
      handleCall: (req: 'ok' | 'fail', _from: CallRef<string>, n: number) =>
        req === 'ok' ? { reply: 'fine', state: n + 1 } : fail(boom),
      terminate: (reason, n) => {
        terminated.push([reason, n]);
      },
    });
    const pid = spawn(def, undefined);
    expect(await call(pid, 'ok')).toBe('fine');
    const error: unknown = await call(pid, 'fail', { timeout: Infinity }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActorExitError);
    expect((error as ActorExitError).reason).toEqual({ kind: 'error', error: boom });
    expect(((error as ActorExitError).reason as { error: unknown }).error).toBe(boom);
    expect(await exited(pid)).toEqual({ kind: 'error', error: boom });
    expect(terminated).toEqual([[{ kind: 'error', error: boom }, 2]]);
  });

  test('in handleCast: the actor exits with the error, terminate sees it and the last state', async () => {
    const boom = new Error('cast failed');
    const terminated: Terminated[] = [];
    const def = genServer({
      init: () => 1,
      handleCast: (req: 'ok' | 'fail', n: number) => (req === 'ok' ? n + 1 : fail(boom)),
      terminate: (reason, n) => {
        terminated.push([reason, n]);
      },
    });
    const pid = spawn(def, undefined);
    cast(pid, 'ok');
    cast(pid, 'fail');
    const reason = await exited(pid);
    expect(reason).toEqual({ kind: 'error', error: boom });
    expect((reason as { error: unknown }).error).toBe(boom);
    expect(terminated).toEqual([[{ kind: 'error', error: boom }, 2]]);
  });

  test('in handleInfo: the actor exits with the error, terminate sees it and the last state', async () => {
    const boom = new Error('info failed');
    const terminated: Terminated[] = [];
    const def = genServer({
      init: () => 1,
      handleInfo: (msg: 'ok' | 'fail', n: number) => (msg === 'ok' ? n + 1 : fail(boom)),
      terminate: (reason, n) => {
        terminated.push([reason, n]);
      },
    });
    const pid = spawn(def, undefined);
    send(pid, 'ok');
    send(pid, 'fail');
    const reason = await exited(pid);
    expect((reason as { error: unknown }).error).toBe(boom);
    expect(terminated).toEqual([[{ kind: 'error', error: boom }, 2]]);
  });

  describe('in terminate', () => {
    /** A server whose terminate fails; `settled` resolves once that failure has been dealt with. */
    function failingTerminate(boom: Error) {
      let result: MaybeAsync<never> | undefined;
      const def = genServer({
        init: () => 0,
        handleCast: (_: 'crash', _n: number): number => {
          throw new Error('crash');
        },
        terminate: () => (result = fail(boom)),
      });
      // A rejected Promise is reported in its own callback: wait for it by
      // catching the same Promise after rxotp did.
      const settled = async (): Promise<void> => {
        if (result instanceof Promise) await result.catch(() => undefined);
      };
      return { def, settled };
    }

    test('after a stop, the exit is still delivered with the original reason and the error is reported', async () => {
      const boom = new Error('terminate failed');
      const { def, settled } = failingTerminate(boom);
      let pid: Pid | undefined;
      def.start(undefined).subscribe((n) => (pid = n.pid));
      stop(pid!);
      await settled();
      expect(await exited(pid!)).toEqual({ kind: 'normal' });
      expect(unhandledErrors()).toHaveBeenCalledWith(boom);
      expect(unhandledErrors()).toHaveBeenCalledTimes(1);
    });

    test('after a crash, the exit keeps the crash as its reason and the terminate error is reported', async () => {
      const boom = new Error('terminate failed');
      const { def, settled } = failingTerminate(boom);
      const events: string[] = [];
      let pid: Pid | undefined;
      def.start(undefined).subscribe((n) => {
        pid = n.pid;
        events.push(n.kind === 'exit' ? `exit ${n.reason.kind}` : n.kind);
      });
      cast(pid!, 'crash');
      await settled();
      const reason = await exited(pid!);
      expect(reason).toEqual({ kind: 'error', error: new Error('crash') });
      expect(events).toEqual(['started', 'exit error']);
      expect(unhandledErrors()).toHaveBeenCalledWith(boom);
      expect(unhandledErrors()).toHaveBeenCalledTimes(1);
    });

    test('on unsubscribe, unsubscribe does not throw, exit$ says cancelled, the error is reported', async () => {
      const boom = new Error('terminate failed');
      const { def, settled } = failingTerminate(boom);
      let pid: Pid | undefined;
      const subscription = def.start(undefined).subscribe((n) => (pid = n.pid));
      expect(() => subscription.unsubscribe()).not.toThrow();
      await settled();
      expect(await exited(pid!)).toEqual({ kind: 'cancelled' });
      expect(unhandledErrors()).toHaveBeenCalledWith(boom);
      expect(unhandledErrors()).toHaveBeenCalledTimes(1);
    });
  });
});
