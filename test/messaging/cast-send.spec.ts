import {
  Registry,
  cast,
  genServer,
  send,
  spawn,
  stop,
  via,
  type Protocol,
} from '../../src/index.js';
import { exitOf } from '../support.js';

/** Logs which handler got what, and with which state. */
function logger(log: string[]) {
  return genServer({
    init: () => 0,
    handleCast: (req: string, n: number) => {
      log.push(`cast ${req} @${n}`);
      return n + 1;
    },
    handleInfo: (msg: string, n: number) => {
      log.push(`info ${msg} @${n}`);
      return n + 1;
    },
  });
}

describe('cast', () => {
  test('delivers the request to handleCast with the current state and returns true', () => {
    const log: string[] = [];
    const pid = spawn(logger(log), undefined);
    expect(cast(pid, 'a')).toBe(true);
    expect(cast(pid, 'b')).toBe(true);
    expect(log).toEqual(['cast a @0', 'cast b @1']);
  });

  test('returns false for a dead pid and reaches no handler', () => {
    const log: string[] = [];
    const pid = spawn(logger(log), undefined);
    stop(pid);
    expect(cast(pid, 'late')).toBe(false);
    expect(log).toEqual([]);
  });

  test('returns true once the message is in the mailbox, even if handling it crashes the actor', () => {
    const pid = spawn(
      genServer({
        init: () => 0,
        handleCast: (_: 'crash', _n: number): number => {
          throw new Error('crash');
        },
      }),
      undefined,
    );
    expect(cast(pid, 'crash')).toBe(true);
    expect(exitOf(pid)?.kind).toBe('error');
  });
});

describe('send', () => {
  test('delivers a raw message to handleInfo with the current state and returns true', () => {
    const log: string[] = [];
    const pid = spawn(logger(log), undefined);
    expect(send(pid, 'x')).toBe(true);
    expect(cast(pid, 'y')).toBe(true);
    expect(send(pid, 'z')).toBe(true);
    expect(log).toEqual(['info x @0', 'cast y @1', 'info z @2']);
  });

  test('returns false for a dead pid and reaches no handler', () => {
    const log: string[] = [];
    const pid = spawn(logger(log), undefined);
    stop(pid);
    expect(send(pid, 'late')).toBe(false);
    expect(log).toEqual([]);
  });

  test('any value can be a message, undefined and null included', () => {
    const seen: unknown[] = [];
    const pid = spawn(
      genServer({
        init: () => 0,
        handleInfo: (msg: unknown, n: number) => {
          seen.push(msg);
          return n;
        },
      }),
      undefined,
    );
    const object = { deep: [1] };
    for (const msg of [undefined, null, 0, '', object]) expect(send(pid, msg)).toBe(true);
    expect(seen).toEqual([undefined, null, 0, '', object]);
    expect(seen[4]).toBe(object);
  });
});

describe('through via', () => {
  test('cast and send reach the pid the name is registered to', () => {
    const log: string[] = [];
    const registry = new Registry();
    registry.register('logger', spawn(logger(log), undefined));
    const address = via<Protocol>(registry, 'logger');
    expect(cast(address, 'c')).toBe(true);
    expect(send(address, 'i')).toBe(true);
    expect(log).toEqual(['cast c @0', 'info i @1']);
  });

  test('cast and send to an unregistered name return false', () => {
    const registry = new Registry();
    expect(cast(via<Protocol>(registry, 'nobody'), 'c')).toBe(false);
    expect(send(via<Protocol>(registry, 'nobody'), 'i')).toBe(false);
  });
});
