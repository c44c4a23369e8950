import { map, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  cast,
  genServer,
  spawn,
  stop,
  type DownMessage,
  type MonitorRef,
  type Pid,
} from '../src/index.js';

// A monitor's down message arrives when the target has exited, on virtual time:
// a target whose terminate takes 3 frames is down 3 frames after its stop
// (docs/design.md, "Monitors").

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** Its terminate takes `frames` frames. */
const slowStop = genServer({
  init: (frames: number) => frames,
  terminate: (_reason, frames) => timer(frames).pipe(map(() => undefined)),
});

/** Monitors each pid cast to it; logs `<frame> down <reason>`. */
const watcher = (ts: TestScheduler, log: string[]) =>
  genServer({
    init: () => 0,
    handleCast: (pid: Pid, n, ctx) => (ctx.monitor(pid), n),
    handleInfo: (msg: DownMessage, n) => (log.push(`${ts.now()} down ${msg.reason.kind}`), n),
  });

describe('monitors on virtual time', () => {
  test('the down message arrives when terminate has settled, not when the stop was asked', () => {
    const ts = testScheduler();
    const log: string[] = [];
    ts.run(() => {
      const target = spawn(slowStop, 3, { scheduler: ts });
      cast(spawn(watcher(ts, log), undefined, { scheduler: ts }), target);
      ts.schedule(() => stop(target), 5);
    });
    expect(log).toEqual(['8 down normal']);
  });

  test('after demonitor at frame 6, the exit at frame 8 sends nothing', () => {
    const ts = testScheduler();
    const log: string[] = [];
    ts.run(() => {
      const target = spawn(slowStop, 3, { scheduler: ts });
      const w = genServer({
        init: () => null as MonitorRef | null,
        handleCast: (cmd: 'watch' | 'unwatch', ref, ctx) => {
          if (cmd === 'watch') return ctx.monitor(target);
          if (ref !== null) log.push(`${ts.now()} demonitor ${String(ctx.demonitor(ref))}`);
          return null;
        },
        handleInfo: (_msg: DownMessage, ref) => (log.push(`${ts.now()} down`), ref),
      });
      const pid = spawn(w, undefined, { scheduler: ts });
      cast(pid, 'watch');
      ts.schedule(() => stop(target), 5);
      ts.schedule(() => cast(pid, 'unwatch'), 6);
    });
    expect(log).toEqual(['6 demonitor true']);
  });
});
