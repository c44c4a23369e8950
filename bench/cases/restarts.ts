// Case 5: a child that crashes on every message under oneForOne with intensity off; a loop
// sends it one message through its name each time it is up. Restarts per second.
import type * as Source from '../../src/index.js';
import { of } from 'rxjs';
import type { Registry, Rxotp } from '../lib.js';
import {
  collectGarbage,
  expectCount,
  fmt,
  median,
  now,
  repeat,
  type BenchCase,
  type CaseResult,
  type Measure,
} from '../measure.js';

// One error object for every crash: the case measures the restart path, not stack capture.
const BOOM = new Error('boom');

export async function restartsPerSecond(lib: Rxotp, size: number): Promise<number> {
  const crasher = lib.genServer({
    init: () => 0,
    handleCast: (_: 'boom', _n: number): number => {
      throw BOOM;
    },
  });
  let registry: Registry | undefined;
  let restarts = 0;
  let starts = 0;
  let exited = false;
  let wakeOnStart: (() => void) | null = null;
  const subscription = of(lib.child('crasher', () => crasher.start()))
    .pipe(lib.oneForOne({ intensity: Infinity }))
    .subscribe((n) => {
      if (n.kind === 'started') registry = n.registry;
      else if (n.kind === 'restart') restarts++;
      else if (n.kind === 'child-started') {
        starts++;
        wakeOnStart?.();
      } else if (n.kind === 'exit') exited = true;
    });
  if (registry === undefined) throw new Error('the supervisor gave no registry on started');
  const address = lib.via<Source.Protocol>(registry, 'crasher');
  collectGarbage();
  const t0 = now();
  while (restarts < size) {
    if (registry.whereis('crasher') === undefined) {
      // Down: wait for the next start (restarts are synchronous today, so this stays cold).
      if (exited) throw new Error('the supervisor exited during the restart loop');
      await new Promise<void>((resolve) => (wakeOnStart = resolve));
      wakeOnStart = null;
      continue;
    }
    lib.cast(address, 'boom');
  }
  const elapsed = now() - t0;
  subscription.unsubscribe();
  expectCount('restarts', restarts, size);
  expectCount('incarnations started', starts, size + 1);
  return size / (elapsed / 1000);
}

export async function restartsCase(
  lib: Rxotp,
  measure: Measure,
  size: number,
): Promise<CaseResult> {
  await restartsPerSecond(lib, Math.max(1, size >> 4));
  const samples = await repeat(measure.repeats, () => restartsPerSecond(lib, size));
  const rate = median(samples);
  return {
    id: 'restarts',
    title: `5. restarts under oneForOne, ${size.toLocaleString('en-US')} per round`,
    rows: [
      { name: 'rxotp crash + restart + send via name', value: rate, unit: 'restarts/s', samples },
    ],
    checks: [
      {
        what: 'restarts per second (oneForOne, intensity Infinity)',
        actual: `${fmt(rate, 0)}/s`,
        target: '≥ 200,000/s',
        met: rate >= 200_000,
      },
    ],
    counts: { restarts: size, rounds: samples.length },
  };
}

export const restarts: BenchCase = {
  id: 'restarts',
  title: '5. restarts under oneForOne',
  size: 100_000,
  smokeSize: 50,
  run: restartsCase,
};
