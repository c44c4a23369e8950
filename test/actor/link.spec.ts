// Links of spawned actors and trapExit: docs/design.md, "Links and trapping exits".
import {
  LinkedExitError,
  cast,
  child,
  genServer,
  spawn,
  stop,
  supervise,
  type ExitMessage,
  type ExitReason,
  type Pid,
} from '../../src/index.js';
import { exitOf } from '../support.js';

type KidCmd = 'crash' | 'done' | { readonly stop: ExitReason };

/** A child that crashes, stops normally, or stops with a given reason when told. */
const kid = genServer({
  init: () => 0,
  handleCast: (cmd: KidCmd, n, ctx) => {
    if (cmd === 'crash') throw new RangeError('kid failed');
    ctx.stop(cmd === 'done' ? undefined : cmd.stop);
    return n;
  },
});

/** Spawns a child on 'spawn' (into `kids`); logs exit messages when it traps exits. */
function parent(kids: Pid[], log: unknown[], trapExit: boolean) {
  return genServer({
    trapExit,
    init: () => 0,
    handleCast: (_: 'spawn', n) => {
      kids.push(spawn(kid, undefined));
      return n + 1;
    },
    handleInfo: (msg: ExitMessage, n) => {
      log.push(msg);
      return n;
    },
    terminate: (reason) => {
      log.push(`parent ${reason.kind}`);
    },
  });
}

describe('a child spawned from a handler is linked to its parent', () => {
  test("the child's crash ends a parent that does not trap exits, with a LinkedExitError naming the child", () => {
    const kids: Pid[] = [];
    const log: unknown[] = [];
    const p = spawn(parent(kids, log, false), undefined);
    cast(p, 'spawn');
    cast(kids[0]!, 'crash');
    const reason = exitOf(p);
    expect(reason?.kind).toBe('error');
    const error = (reason as { error: LinkedExitError }).error;
    expect(error).toBeInstanceOf(LinkedExitError);
    expect(error.linked).toBe(String(kids[0]));
    expect(error.reason).toEqual({ kind: 'error', error: new RangeError('kid failed') });
    expect(error.message).toContain(String(kids[0]));
    expect(error.message).toContain('trapExit: true');
    expect(log).toEqual(['parent error']);
  });

  test('the parent ends its other children too, each with a LinkedExitError naming the parent', () => {
    const kids: Pid[] = [];
    const p = spawn(parent(kids, [], false), undefined);
    cast(p, 'spawn');
    cast(p, 'spawn');
    cast(kids[0]!, 'crash');
    const sibling = exitOf(kids[1]!) as { kind: string; error: LinkedExitError };
    expect(sibling.kind).toBe('error');
    expect(sibling.error.linked).toBe(String(p));
  });

  test('normal and cancelled exits of the child do not end the parent', () => {
    const kids: Pid[] = [];
    const log: unknown[] = [];
    const p = spawn(parent(kids, log, false), undefined);
    cast(p, 'spawn');
    cast(p, 'spawn');
    cast(kids[0]!, 'done');
    cast(kids[1]!, { stop: { kind: 'cancelled' } });
    expect(exitOf(kids[0]!)).toEqual({ kind: 'normal' });
    expect(exitOf(kids[1]!)).toEqual({ kind: 'cancelled' });
    expect(exitOf(p)).toBeUndefined();
    expect(log).toEqual([]);
  });

  test('a parent that traps exits gets every exit as an { kind: "exit" } message and lives on', () => {
    const kids: Pid[] = [];
    const log: unknown[] = [];
    const p = spawn(parent(kids, log, true), undefined);
    cast(p, 'spawn');
    cast(p, 'spawn');
    cast(p, 'spawn');
    cast(kids[0]!, 'crash');
    cast(kids[1]!, 'done');
    stop(kids[2]!, { kind: 'cancelled' });
    expect(log).toEqual([
      {
        kind: 'exit',
        pid: kids[0],
        reason: { kind: 'error', error: new RangeError('kid failed') },
      },
      { kind: 'exit', pid: kids[1], reason: { kind: 'normal' } },
      { kind: 'exit', pid: kids[2], reason: { kind: 'cancelled' } },
    ]);
    expect(exitOf(p)).toBeUndefined();
  });

  test('a child whose init fails at once ends a parent that does not trap exits', () => {
    const failing = genServer({
      init: (): number => {
        throw new RangeError('no start');
      },
    });
    const def = genServer({
      init: () => 0,
      handleCast: (_: 'spawn', n) => (spawn(failing, undefined), n),
    });
    const p = spawn(def, undefined);
    cast(p, 'spawn');
    const reason = exitOf(p) as { kind: string; error: LinkedExitError };
    expect(reason.kind).toBe('error');
    expect(reason.error.reason).toEqual({ kind: 'error', error: new RangeError('no start') });
  });

  test('and arrives as an exit message at a parent that traps exits', () => {
    const failing = genServer({
      init: (): number => {
        throw new RangeError('no start');
      },
    });
    const log: ExitMessage[] = [];
    const def = genServer({
      trapExit: true,
      init: () => 0,
      handleCast: (_: 'spawn', n) => (spawn(failing, undefined), n),
      handleInfo: (msg: ExitMessage, n) => (log.push(msg), n),
    });
    const p = spawn(def, undefined);
    cast(p, 'spawn');
    expect(log.map((m) => m.reason)).toEqual([
      { kind: 'error', error: new RangeError('no start') },
    ]);
    expect(exitOf(p)).toBeUndefined();
  });

  test('a trapping child still ends with its parent: no orphans (design rule 5)', () => {
    const kids: Pid[] = [];
    const trapping = genServer({ trapExit: true, init: () => 0 });
    const def = genServer({
      init: () => 0,
      handleCast: (_: 'spawn', n) => (kids.push(spawn(trapping, undefined)), n),
    });
    const p = spawn(def, undefined);
    cast(p, 'spawn');
    stop(p);
    expect(exitOf(kids[0]!)).toEqual({ kind: 'cancelled' });
  });

  test('an actor spawned outside any handler is linked to nothing', () => {
    const a = spawn(kid, undefined);
    const b = spawn(kid, undefined);
    cast(a, 'crash');
    expect(exitOf(b)).toBeUndefined();
    stop(b);
  });

  test('a parent that traps exits but has no handleInfo crashes with a HandlerError on the first exit', () => {
    const kids: Pid[] = [];
    const def = genServer({
      trapExit: true,
      init: () => 0,
      handleCast: (_: 'spawn', n) => (kids.push(spawn(kid, undefined)), n),
    });
    const p = spawn(def, undefined);
    cast(p, 'spawn');
    cast(kids[0]!, 'done');
    expect((exitOf(p) as { error: Error }).error.name).toBe('HandlerError');
  });

  test('bad input: trapExit that is not a boolean is a TypeError from genServer', () => {
    expect(() => genServer({ init: () => 0, trapExit: 'yes' as unknown as boolean })).toThrow(
      new TypeError("genServer: behavior.trapExit must be true, false or left out, got 'yes'."),
    );
  });

  test("under a supervisor: a linked child's crash crashes its parent, which is restarted", () => {
    const kids: Pid[] = [];
    const started: Pid[] = [];
    const spawner = genServer({
      init: (_: void, ctx) => {
        started.push(ctx.self);
        kids.push(spawn(kid, undefined));
        return 0;
      },
    });
    const subscription = supervise([child('p', () => spawner.start())]).subscribe();
    cast(kids[0]!, 'crash');
    expect(started).toHaveLength(2);
    expect((exitOf(started[0]!) as { error: LinkedExitError }).error).toBeInstanceOf(
      LinkedExitError,
    );
    expect(exitOf(started[1]!)).toBeUndefined();
    expect(exitOf(kids[1]!)).toBeUndefined();
    subscription.unsubscribe();
    expect(exitOf(kids[1]!)).toEqual({ kind: 'cancelled' });
  });
});
