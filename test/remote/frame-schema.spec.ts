// The one schema of the wire (docs/design.md, "Remote › The wire"): each frame
// that once ended a node is refused here, naming the field, and the valid
// frames pass untouched.
import { BadFrameError, decodeFrame, decodeWirePid } from '../../src/remote/frame-schema.js';

describe('decodeFrame', () => {
  test.each([
    ['null', null, 'frame'],
    ['a string', 'hb', 'frame'],
    ['an array', [], 'frame'],
    ['an unknown type', { t: 'boom' }, 't'],
    ['a stop whose reason is null', { t: 'stop', to: 1, reason: null }, 'reason'],
    [
      'a stop whose error reason has no error',
      { t: 'stop', to: 1, reason: { kind: 'error' } },
      'reason.error',
    ],
    [
      'a stop whose reason kind is made up',
      { t: 'stop', to: 1, reason: { kind: 'halt' } },
      'reason.kind',
    ],
    ['a whereis with a numeric name', { t: 'whereis', q: 1, name: 7 }, 'name'],
    ['a msg of an unknown kind', { t: 'msg', to: 1, kind: 5, payload: 1 }, 'kind'],
    ['a msg of an internal kind', { t: 'msg', to: 1, kind: 11, payload: 1 }, 'kind'],
    [
      'an exit whose error is null',
      { t: 'exit', id: 1, reason: { kind: 'error', error: null } },
      'reason.error',
    ],
    ['a negative pid id', { t: 'mon', id: -1 }, 'id'],
    ['a fractional call ref', { t: 'call', to: 1, ref: 1.5 }, 'ref'],
    ['a names entry of the wrong shape', { t: 'names', set: [['n', 1]], del: [] }, 'set[0]'],
    ['a reply with a made-up pid flag', { t: 'reply', ref: 1, value: 1, p: 2 }, 'p'],
    [
      'a fail whose error message is not a string',
      { t: 'fail', ref: 1, error: { name: 'E', message: {} } },
      'error.message',
    ],
  ])('refuses %s, naming %s', (_what, frame, field) => {
    let thrown: unknown;
    try {
      decodeFrame(frame);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BadFrameError);
    expect((thrown as BadFrameError).field).toBe(field);
  });

  test('refuses error reasons nested without end', () => {
    let reason: unknown = { kind: 'normal' };
    for (let i = 0; i < 20; i++)
      reason = { kind: 'error', error: { name: 'E', message: 'm', reason } };
    expect(() => decodeFrame({ t: 'exit', id: 1, reason })).toThrow(/nested at most 8 deep/);
  });

  test.each([
    { t: 'hello', node: 'a' },
    { t: 'bye' },
    { t: 'msg', to: 0, kind: 0 },
    { t: 'call', to: 3, ref: 9, request: { any: ['thing'] }, via: 'name', p: 1 },
    {
      t: 'fail',
      ref: 2,
      error: { name: 'ActorExitError', message: 'm', reason: { kind: 'cancelled' } },
    },
    { t: 'names', set: [['', 0, null]], del: ['__proto__'] },
    { t: 'where', q: 1, id: null, name: null },
    { t: 'unreg', name: 'n', id: 4 },
  ])('passes %j unchanged', (frame) => {
    expect(decodeFrame(frame)).toBe(frame);
  });
});

describe('decodeWirePid', () => {
  test.each([
    [null],
    [[0, 1, null]],
    [[2, 1, null, 'n']],
    [['', 1, null, 'n']],
    [[0, -1, null, 'n']],
    [[0, 1, 5, 'n']],
    [[0, 1, null, '']],
  ])('refuses %j', (pid) => {
    expect(() => decodeWirePid(pid)).toThrow(BadFrameError);
  });

  test('passes a pid of the sender, of the receiver and of a third node', () => {
    for (const pid of [
      [0, 1, null, 'a'],
      [1, 2, 'worker', 'b'],
      ['c.r1', 3, null, 'c'],
    ]) {
      expect(decodeWirePid(pid)).toBe(pid);
    }
  });
});
