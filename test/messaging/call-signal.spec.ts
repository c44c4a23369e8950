import { firstValueFrom } from 'rxjs';
import {
  call,
  call$,
  genServer,
  send,
  spawn,
  stop,
  type CallRef,
  type Pid,
} from '../../src/index.js';
import { useDeadLetters, useUnhandledErrors } from '../support.js';

/** Holds every `wait` call until sent `flush`, then replies 'late' to each; `held` counts them. */
const holder = genServer({
  init: () => [] as CallRef<unknown>[],
  handleCall: (req: 'wait' | 'held', from, held) =>
    req === 'held'
      ? { reply: held.length, state: held }
      : { noreply: true as const, state: [...held, from] },
  handleInfo: (_: 'flush', held, ctx) => {
    for (const f of held) ctx.reply(f, 'late');
    return [];
  },
});

const outcome = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    (v) => ({ resolved: v }),
    (e: unknown) => e,
  );

describe.each([
  ['call', (pid: Pid, signal: AbortSignal) => call(pid, 'wait', { signal, timeout: Infinity })],
  [
    'call$',
    (pid: Pid, signal: AbortSignal) =>
      firstValueFrom(call$(pid, 'wait', { signal, timeout: Infinity })),
  ],
])('%s with a signal', (_, callWith) => {
  const unhandled = useUnhandledErrors();
  const letters = useDeadLetters();
  let pid: Pid;
  beforeEach(() => {
    pid = spawn(holder, undefined);
  });
  afterEach(() => stop(pid));

  test('aborting fails the call with the signal reason; the late reply is dropped quietly', async () => {
    const controller = new AbortController();
    const pending = outcome(callWith(pid, controller.signal));
    const reason = new Error('user left');
    controller.abort(reason);
    expect(await pending).toBe(reason);
    send(pid, 'flush');
    await call(pid, 'held');
    expect(unhandled()).not.toHaveBeenCalled();
    expect(letters()).toEqual([]);
  });

  test('aborting without a reason fails the call with an AbortError', async () => {
    const controller = new AbortController();
    const pending = outcome(callWith(pid, controller.signal));
    controller.abort();
    expect((await pending) as Error).toMatchObject({ name: 'AbortError' });
  });

  test('an already aborted signal fails the call before anything is sent', async () => {
    const reason = new Error('too late');
    const failure = await outcome(callWith(pid, AbortSignal.abort(reason)));
    expect(failure).toBe(reason);
    expect(await call(pid, 'held')).toBe(0);
  });

  test('a signal never aborted leaves the reply alone', async () => {
    const controller = new AbortController();
    const pending = outcome(callWith(pid, controller.signal));
    send(pid, 'flush');
    expect(await pending).toEqual({ resolved: 'late' });
    controller.abort();
  });
});
