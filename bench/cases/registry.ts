// Case 7: what a name costs. cast through via(registry, name) and whereis + cast against a
// cast to the pid, and whereis alone against a plain Map lookup.
import type * as Source from '../../src/index.js';
import type { Rxotp } from '../lib.js';
import { ratioAtMost, type BenchCase, type CaseResult, type Measure } from '../measure.js';
import { timeEach, type Impl } from '../per-op.js';
import { alternating } from './rounds.js';

const DIRECT = 'rxotp cast(pid)';

export async function registryCase(
  lib: Rxotp,
  measure: Measure,
  batch: number,
): Promise<CaseResult> {
  const counter = lib.genServer({
    init: () => 0,
    handleCast: (by: number, n: number) => n + by,
    handleCall: (_: 'get', _from, n: number) => ({ reply: n, state: n }),
  });
  // Each implementation gets its own named counter, so each one's count is its own.
  const named = (name: string) => {
    const registry = new lib.Registry();
    const pid = lib.spawn(counter, undefined, { name, registry });
    return {
      registry,
      pid,
      handled: () => lib.call(pid, 'get'),
      stop: () => void lib.stop(pid),
    };
  };
  const impls: Impl[] = [
    {
      name: DIRECT,
      start(size) {
        const { pid, handled, stop } = named('counter');
        return {
          batch: () => {
            for (let i = 0; i < size; i++) lib.cast(pid, 1);
          },
          handled,
          stop,
        };
      },
    },
    {
      name: 'rxotp cast(via(registry, name))',
      start(size) {
        const { registry, handled, stop } = named('counter');
        const address = lib.via<Source.Protocol>(registry, 'counter');
        return {
          batch: () => {
            for (let i = 0; i < size; i++) lib.cast(address, 1);
          },
          handled,
          stop,
        };
      },
    },
    {
      name: 'rxotp cast(registry.whereis(name))',
      start(size) {
        const { registry, handled, stop } = named('counter');
        return {
          batch: () => {
            for (let i = 0; i < size; i++) lib.cast(registry.whereis('counter')!, 1);
          },
          handled,
          stop,
        };
      },
    },
  ];
  // The three sends run the same rxotp code: timed in alternating rounds, so none is measured
  // only with the code V8 compiled for another one alone (see rounds.ts).
  const sends = await alternating(measure, batch, impls);

  // Lookups alone. Each sums the ids it finds, which is also how it proves it found them.
  const registry = new lib.Registry();
  const pid = lib.spawn(counter, undefined, { name: 'counter', registry });
  const map = new Map([['counter', { id: pid.id }]]);
  const lookups = await timeEach(measure, batch, [
    {
      name: 'rxotp registry.whereis(name)',
      start(size) {
        let found = 0;
        return {
          batch: () => {
            for (let i = 0; i < size; i++)
              found += registry.whereis('counter')!.id === pid.id ? 1 : 0;
          },
          handled: () => found,
          stop: () => {},
        };
      },
    },
    {
      name: 'Map.get(name)',
      start(size) {
        let found = 0;
        return {
          batch: () => {
            for (let i = 0; i < size; i++) found += map.get('counter')!.id === pid.id ? 1 : 0;
          },
          handled: () => found,
          stop: () => {},
        };
      },
    },
  ]);
  lib.stop(pid);

  const direct = sends[0]!.nsPerOp;
  const whereis = lookups[0]!.nsPerOp;
  return {
    id: 'registry',
    title: '7. sends through the registry',
    rows: [
      { name: DIRECT, value: direct, unit: 'ns/op', samples: sends[0]!.samples },
      ...sends.slice(1).map((t) => ({
        name: t.name,
        value: t.nsPerOp,
        unit: 'ns/op' as const,
        ratio: t.nsPerOp / direct,
        samples: t.samples,
      })),
      { name: lookups[1]!.name, value: lookups[1]!.nsPerOp, unit: 'ns/op' },
      {
        name: lookups[0]!.name,
        value: whereis,
        unit: 'ns/op',
        ratio: whereis / lookups[1]!.nsPerOp,
      },
    ],
    checks: [
      ratioAtMost('cast via(registry, name) vs cast(pid)', sends[1]!.nsPerOp / direct, 1.15),
      ratioAtMost('cast(whereis(name)) vs cast(pid)', sends[2]!.nsPerOp / direct, 1.2),
    ],
    counts: Object.fromEntries([...sends, ...lookups].map((t) => [t.name, t.handled])),
  };
}

export const registry: BenchCase = {
  id: 'registry',
  title: '7. registry sends and whereis',
  size: 1000,
  smokeSize: 20,
  run: registryCase,
};
