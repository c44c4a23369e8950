// ctx.monitor / ctx.demonitor: docs/design.md, "Monitors".
import {
  NoProcError,
  cast,
  genServer,
  send,
  spawn,
  stop,
  type DownMessage,
  type MonitorRef,
  type Pid,
} from '../../src/index.js';
import type { Subscription } from 'rxjs';
import { exitOf, useDeadLetters } from '../support.js';

const deadLetters = useDeadLetters();

const idle = genServer({
  init: () => 0,
  handleCast: (_: 'crash', _n: number): number => {
    throw new RangeError('boom');
  },
});

type Cmd =
  { readonly watch: Pid } | { readonly unwatch: 'last' } | { readonly unwatchAfter: Subscription };

/** Monitors what it is told to; logs every down message it gets, and the demonitor results. */
function watcher(log: unknown[]) {
  return genServer({
    init: () => [] as MonitorRef[],
    handleCast: (cmd: Cmd, refs, ctx) => {
      if ('watch' in cmd) return [...refs, ctx.monitor(cmd.watch)];
      if ('unwatchAfter' in cmd) {
        // Unsubscribing ends the target at once, while this handler runs: its
        // down message is queued behind the handler, then demonitor drops it.
        cmd.unwatchAfter.unsubscribe();
        log.push(refs.map((r) => ctx.demonitor(r)));
        return [];
      }
      log.push(refs.map((r) => ctx.demonitor(r)));
      return [];
    },
    handleInfo: (msg: DownMessage, refs) => {
      log.push(msg);
      return refs;
    },
  });
}

describe('ctx.monitor', () => {
  test('a down message with the ref, the pid and the reason arrives when the target exits', () => {
    const log: unknown[] = [];
    const w = spawn(watcher(log), undefined);
    const target = spawn(idle, undefined);
    cast(w, { watch: target });
    expect(log).toEqual([]);
    cast(target, 'crash');
    expect(log).toEqual([
      {
        kind: 'down',
        ref: expect.objectContaining({ pid: target }) as unknown,
        pid: target,
        reason: { kind: 'error', error: expect.any(RangeError) as unknown },
      },
    ]);
    expect(Object.isFrozen(log[0])).toBe(true);
  });

  test('each monitor has its own ref and its own down message', () => {
    const log: DownMessage[] = [];
    const w = spawn(watcher(log), undefined);
    const target = spawn(idle, undefined);
    cast(w, { watch: target });
    cast(w, { watch: target });
    stop(target);
    expect(log.map((m) => m.reason)).toEqual([{ kind: 'normal' }, { kind: 'normal' }]);
    expect(log[0]!.ref).not.toBe(log[1]!.ref);
    expect(log[0]!.ref.id).not.toBe(log[1]!.ref.id);
  });

  test('a pid that has already exited gives its down message at once (noproc)', () => {
    const log: DownMessage[] = [];
    const w = spawn(watcher(log), undefined);
    const target = spawn(idle, undefined);
    stop(target, { kind: 'cancelled' });
    cast(w, { watch: target });
    expect(log).toEqual([
      expect.objectContaining({ kind: 'down', pid: target, reason: { kind: 'cancelled' } }),
    ]);
  });

  test('a pid whose init failed (never ran) gives its down message at once', () => {
    const log: DownMessage[] = [];
    const failing = genServer({
      init: (): number => {
        throw new NoProcError('x');
      },
    });
    const w = spawn(watcher(log), undefined);
    const target = spawn(failing, undefined);
    cast(w, { watch: target });
    expect(log).toHaveLength(1);
    expect(log[0]!.reason).toEqual({ kind: 'error', error: expect.any(NoProcError) as unknown });
  });

  test('demonitor: no down message after it, and it says the monitor was on', () => {
    const log: unknown[] = [];
    const w = spawn(watcher(log), undefined);
    const target = spawn(idle, undefined);
    cast(w, { watch: target });
    cast(w, { unwatch: 'last' });
    stop(target);
    expect(log).toEqual([[true]]);
  });

  test('demonitor drops a down message that is already queued', () => {
    const log: unknown[] = [];
    const w = spawn(watcher(log), undefined);
    let target: Pid | undefined;
    const subscription = idle.start(undefined).subscribe((n) => (target = n.pid));
    cast(w, { watch: target! });
    cast(w, { unwatchAfter: subscription });
    expect(exitOf(target!)).toEqual({ kind: 'cancelled' });
    // The monitor was still on (its down message not handled yet): true, and no down message.
    expect(log).toEqual([[true]]);
  });

  test('demonitor of a monitor that has fired, or of an unknown ref, gives false', () => {
    const log: unknown[] = [];
    const w = spawn(watcher(log), undefined);
    const target = spawn(idle, undefined);
    cast(w, { watch: target });
    stop(target);
    cast(w, { unwatch: 'last' });
    expect(log).toEqual([expect.objectContaining({ kind: 'down' }), [false]]);
  });

  test('monitors end with the incarnation: a later exit of the target sends nothing', () => {
    const log: unknown[] = [];
    const w = spawn(watcher(log), undefined);
    const target = spawn(idle, undefined);
    cast(w, { watch: target });
    stop(w);
    stop(target);
    expect(log).toEqual([]);
    expect(deadLetters()).toEqual([]);
  });

  test('a monitor made in terminate ends with the incarnation: nothing is kept', () => {
    const target = spawn(idle, undefined);
    const refs: MonitorRef[] = [];
    const def = genServer({
      init: () => 0,
      terminate: (_reason, _n, ctx) => {
        refs.push(ctx.monitor(target));
      },
    });
    stop(spawn(def, undefined));
    expect(refs).toHaveLength(1);
    stop(target);
    expect(deadLetters()).toEqual([]);
  });

  test('a handler without handleInfo crashes with a HandlerError when the down message arrives', () => {
    const def = genServer({
      init: () => 0,
      handleCast: (pid: Pid, n, ctx) => (ctx.monitor(pid), n),
    });
    const w = spawn(def, undefined);
    const target = spawn(idle, undefined);
    cast(w, target);
    stop(target);
    expect(exitOf(w)).toEqual({
      kind: 'error',
      error: expect.objectContaining({
        name: 'HandlerError',
        message: expect.stringContaining('handleInfo') as unknown,
      }) as unknown,
    });
  });

  test('bad input: a non-pid target or a non-object ref is a TypeError naming the fix; nothing is watched', () => {
    const errors: unknown[] = [];
    const def = genServer({
      init: () => 0,
      handleInfo: (msg: unknown, n, ctx) => {
        try {
          ctx.monitor(msg as Pid);
        } catch (e) {
          errors.push(e);
        }
        try {
          ctx.demonitor(msg as MonitorRef);
        } catch (e) {
          errors.push(e);
        }
        return n;
      },
    });
    const w = spawn(def, undefined);
    send(w, 'db');
    expect(errors).toEqual([
      new TypeError(
        "ctx.monitor: pid must be a Pid (look a name up with registry.whereis), got 'db'.",
      ),
      new TypeError("ctx.demonitor: ref must be what ctx.monitor returned, got 'db'."),
    ]);
    expect(exitOf(w)).toBeUndefined();
  });
});
