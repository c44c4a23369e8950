// Case: cast into a bounded mailbox against an unbounded one. The casts are sent from inside
// a handler, so each is queued (the path where the bound is checked) and drained after it.
import type { Rxotp } from '../lib.js';
import { ratioAtMost, type BenchCase, type CaseResult, type Measure } from '../measure.js';
import { type Impl } from '../per-op.js';
import { alternating } from './rounds.js';

const UNBOUNDED = 'cast → queued, unbounded mailbox';
const BOUNDED = "cast → queued, mailbox { bound: 1e9, overflow: 'reject' }";

function impl(lib: Rxotp, name: string, bounded: boolean): Impl {
  return {
    name,
    start(size) {
      const counter = lib.genServer({
        init: () => 0,
        handleCast: (by: number, n: number) => n + by,
        handleCall: (_: 'get', _from, n: number) => ({ reply: n, state: n }),
      });
      const target = lib.spawn(
        counter,
        undefined,
        bounded ? { mailbox: { bound: 1e9, overflow: 'reject' } } : undefined,
      );
      // Sends `size` casts from inside its handler: they queue behind it.
      const driver = lib.genServer({
        init: () => 0,
        handleCast: (n: number, s: number) => {
          for (let i = 0; i < n; i++) lib.cast(target, 1);
          return s;
        },
      });
      const pid = lib.spawn(driver, undefined);
      return {
        batch: () => void lib.cast(pid, size),
        handled: () => lib.call(target, 'get'),
        stop: () => {
          lib.stop(pid);
          lib.stop(target);
        },
      };
    },
  };
}

export async function boundedCastCase(
  lib: Rxotp,
  measure: Measure,
  batch: number,
): Promise<CaseResult> {
  // Both variants run the same rxotp code: timed in alternating rounds, so neither is measured
  // only with the code V8 compiled for the other one alone (see rounds.ts).
  const [unbounded, bounded] = await alternating(measure, batch, [
    impl(lib, UNBOUNDED, false),
    impl(lib, BOUNDED, true),
  ]);
  const ratio = bounded!.nsPerOp / unbounded!.nsPerOp;
  return {
    id: 'bounded-cast',
    title: '1b. cast into a bounded mailbox vs an unbounded one',
    rows: [
      { name: UNBOUNDED, value: unbounded!.nsPerOp, unit: 'ns/op', samples: unbounded!.samples },
      { name: BOUNDED, value: bounded!.nsPerOp, unit: 'ns/op', ratio, samples: bounded!.samples },
    ],
    checks: [ratioAtMost('bounded cast vs unbounded cast', ratio, 1.1)],
    counts: { [UNBOUNDED]: unbounded!.handled, [BOUNDED]: bounded!.handled },
  };
}

export const boundedCast: BenchCase = {
  id: 'bounded-cast',
  title: '1b. cast into a bounded mailbox',
  size: 1000,
  smokeSize: 20,
  run: boundedCastCase,
};
