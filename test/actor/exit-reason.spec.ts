import {
  ActorExitError,
  NoProcError,
  formatExit,
  genServer,
  spawn,
  stop,
  type ExitReason,
} from '../../src/index.js';

describe('formatExit', () => {
  test("formats a normal exit as 'normal'", () => {
    expect(formatExit({ kind: 'normal' })).toBe('normal');
  });

  test("formats a cancelled exit as 'cancelled'", () => {
    expect(formatExit({ kind: 'cancelled' })).toBe('cancelled');
  });

  test("formats an Error as 'error: <Name>: <message>'", () => {
    expect(formatExit({ kind: 'error', error: new Error('boom') })).toBe('error: Error: boom');
  });

  test('uses the name of an Error subclass', () => {
    expect(formatExit({ kind: 'error', error: new TypeError('bad type') })).toBe(
      'error: TypeError: bad type',
    );
    class DiskFullError extends Error {
      override readonly name = 'DiskFullError';
    }
    expect(formatExit({ kind: 'error', error: new DiskFullError('no space') })).toBe(
      'error: DiskFullError: no space',
    );
  });

  test("formats rxotp's own errors by their class name", () => {
    const text = formatExit({ kind: 'error', error: new NoProcError('<pid 1>') });
    expect(text.startsWith('error: NoProcError: ')).toBe(true);
    expect(text).toContain('<pid 1>');
  });

  test('formats a thrown value that is not an Error with String()', () => {
    expect(formatExit({ kind: 'error', error: 'oops' })).toBe('error: oops');
    expect(formatExit({ kind: 'error', error: 42 })).toBe('error: 42');
    expect(formatExit({ kind: 'error', error: undefined })).toBe('error: undefined');
    expect(formatExit({ kind: 'error', error: null })).toBe('error: null');
  });
});

describe('ExitReason', () => {
  test('is a plain tagged union a caller can narrow on kind', () => {
    const summary = (reason: ExitReason): string =>
      reason.kind === 'error' ? `crashed with ${String(reason.error)}` : reason.kind;
    expect(summary({ kind: 'normal' })).toBe('normal');
    expect(summary({ kind: 'cancelled' })).toBe('cancelled');
    expect(summary({ kind: 'error', error: 'x' })).toBe('crashed with x');
  });

  test('an actor exit carries the reason it was stopped with, formatted the same way', () => {
    const pid = spawn(genServer({ init: () => 0 }), undefined);
    const reasons: string[] = [];
    pid.exit$.subscribe((reason) => reasons.push(formatExit(reason)));
    stop(pid, { kind: 'error', error: new RangeError('too far') });
    expect(reasons).toEqual(['error: RangeError: too far']);
  });

  test('ActorExitError shows the formatted reason in its message and keeps the reason', () => {
    const reason: ExitReason = { kind: 'error', error: new Error('boom') };
    const error = new ActorExitError('<pid 7>', reason);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ActorExitError');
    expect(error.reason).toBe(reason);
    expect(error.message).toContain('error: Error: boom');
    expect(error.message).toContain('<pid 7>');
  });
});
