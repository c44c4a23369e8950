import { firstValueFrom } from 'rxjs';
import {
  CallingSelfError,
  Registry,
  call,
  call$,
  cast,
  genServer,
  spawn,
  stop,
  via,
  type Address,
} from '../../src/index.js';

/** An actor that, on a cast, calls the address it is told and keeps what happened. */
function selfCaller(use$: boolean) {
  return genServer({
    init: () => ({ outcome: null as Promise<unknown> | null }),
    handleCast: (target: Address, _s) => ({
      outcome: (use$ ? firstValueFrom(call$(target, 'x')) : call(target, 'x')).then(
        () => 'resolved',
        (e: unknown) => e,
      ),
    }),
    handleCall: (req: 'outcome' | 'x', _from, s) => ({ reply: s.outcome, state: s }),
  });
}

describe.each([
  ['call', false],
  ['call$', true],
])('%s to oneself', (_, use$) => {
  test('through its own pid rejects at once with a CallingSelfError naming the pid', async () => {
    const pid = spawn(selfCaller(use$), undefined);
    cast(pid, pid);
    const outcome = await (call(pid, 'outcome') as Promise<Promise<unknown>>);
    expect(outcome).toBeInstanceOf(CallingSelfError);
    const error = outcome as CallingSelfError;
    expect(error.name).toBe('CallingSelfError');
    expect(error.target).toBe(String(pid));
    expect(error.message).toContain(String(pid));
    expect(error.message).toContain('deadlock');
    stop(pid);
  });

  test('through a via name that resolves to it rejects at once', async () => {
    const registry = new Registry();
    const pid = spawn(selfCaller(use$), undefined);
    registry.register('me', pid);
    cast(pid, via(registry, 'me'));
    const outcome = (await (call(pid, 'outcome') as Promise<Promise<unknown>>)) as CallingSelfError;
    expect(outcome).toBeInstanceOf(CallingSelfError);
    expect(outcome.address).toBe(String(via(registry, 'me')));
    expect(outcome.message).toContain(String(pid));
    stop(pid);
  });

  test('a call to another actor from a handler is answered', async () => {
    const other = spawn(selfCaller(use$), undefined);
    const pid = spawn(selfCaller(use$), undefined);
    cast(pid, other);
    const outcome = await (call(pid, 'outcome') as Promise<Promise<unknown>>);
    expect(outcome).toBe('resolved');
    stop(pid);
    stop(other);
  });
});

test('a call to oneself from init rejects at once too', async () => {
  let outcome: Promise<unknown> | undefined;
  const def = genServer({
    init: (_: void, ctx) => {
      outcome = call(ctx.self, 'x').catch((e: unknown) => e);
      return 0;
    },
    handleCall: (_req: 'x', _from, n: number) => ({ reply: n, state: n }),
  });
  const pid = spawn(def, undefined);
  expect(await outcome).toBeInstanceOf(CallingSelfError);
  stop(pid);
});
