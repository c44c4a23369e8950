import { of } from 'rxjs';
import {
  ActorExitError,
  HandlerError,
  call,
  cast,
  genServer,
  send,
  spawn,
  type Behavior,
  type ExitReason,
  type Protocol,
} from '../../src/index.js';
import { exitOf } from '../support.js';

/** The HandlerError inside an `error` exit reason (fails the test for any other reason). */
function handlerErrorOf(reason: ExitReason | undefined): HandlerError {
  expect(reason?.kind).toBe('error');
  const error = reason?.kind === 'error' ? reason.error : undefined;
  expect(error).toBeInstanceOf(HandlerError);
  return error as HandlerError;
}

/** A behavior typed loosely, as a JavaScript caller would write it. */
const loose = (b: object): Behavior<Protocol, NonNullable<unknown> | null, unknown> =>
  b as Behavior<Protocol, NonNullable<unknown> | null, unknown>;

describe('undefined is never a state', () => {
  test.each([
    ['a value', () => undefined],
    ['a Promise', () => Promise.resolve(undefined)],
    ['an Observable', () => of(1, undefined)],
  ])(
    'init returning undefined as %s exits with a HandlerError naming init and the fix',
    async (_, init) => {
      const terminate = jest.fn();
      const pid = spawn(genServer(loose({ init, terminate })), undefined);
      await Promise.resolve();
      await Promise.resolve();
      const error = handlerErrorOf(exitOf(pid));
      expect(error.handler).toBe('init');
      expect(error.message).toContain('init');
      expect(error.message).toContain('use null for none');
      expect(terminate).not.toHaveBeenCalled();
    },
  );

  test('init returning null is a state', async () => {
    const pid = spawn(
      genServer({
        init: () => null,
        handleCall: (_r: 'get', _f, s: null) => ({ reply: s, state: s }),
      }),
      undefined,
    );
    expect(await call(pid, 'get')).toBeNull();
  });

  test('handleCast returning undefined exits with a HandlerError naming handleCast', () => {
    const pid = spawn(genServer(loose({ init: () => 0, handleCast: () => undefined })), undefined);
    cast(pid, 'x');
    const error = handlerErrorOf(exitOf(pid));
    expect(error.handler).toBe('handleCast');
    expect(error.message).toContain('Return the state');
  });

  test('handleInfo resolving to undefined exits with a HandlerError naming handleInfo', async () => {
    const pid = spawn(
      genServer(loose({ init: () => 0, handleInfo: () => Promise.resolve(undefined) })),
      undefined,
    );
    send(pid, 'x');
    await new Promise((r) => setTimeout(r, 0));
    expect(handlerErrorOf(exitOf(pid)).handler).toBe('handleInfo');
  });

  test('handleCall with an undefined state rejects the call and exits naming handleCall', async () => {
    const pid = spawn(
      genServer(loose({ init: () => 0, handleCall: () => ({ reply: 1, state: undefined }) })),
      undefined,
    );
    const failure = await call(pid, 'x').then(
      () => new Error('resolved'),
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ActorExitError);
    const error = handlerErrorOf(exitOf(pid));
    expect(error.handler).toBe('handleCall');
    expect(error.message).toContain('{ reply, state }');
  });
});
