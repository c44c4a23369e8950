// Every benchmark case, run with tiny sizes against the sources, so the suite cannot rot.
// Timings are not asserted (a benchmark, not a test, judges speed): only that each case
// runs, checks its own counts, cleans up its actors, and reports well-formed results.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CASES } from '../bench/cases/index.js';
import type { Rxotp } from '../bench/lib.js';
import type { CaseResult, Measure } from '../bench/measure.js';
import * as core from '../src/index.js';
import * as remote from '../src/remote/index.js';
import { liveActorCount } from '../src/testing/index.js';

/** The sources as the cases' library; a worker thread loads the same files (through tsx). */
const rxotp: Rxotp = {
  ...core,
  remote: {
    ...remote,
    modules: {
      core: join(__dirname, '../src/index.ts'),
      remote: join(__dirname, '../src/remote/index.ts'),
    },
  },
};

/** Cases that start a nats-server or a worker thread: real processes, so more time. */
const REMOTE = ['remote-cast', 'remote-call', 'cluster-register', 'worker-cast'];

/** One untimed-in-earnest pass per task: enough to run every code path. */
const onePass: Measure = {
  repeats: 2,
  perOp(_name, batch, task) {
    const t0 = performance.now();
    task();
    task();
    return Promise.resolve(((performance.now() - t0) * 1e6) / (2 * batch));
  },
  async perOpAsync(_name, batch, task) {
    const t0 = performance.now();
    await task();
    await task();
    return ((performance.now() - t0) * 1e6) / (2 * batch);
  },
};

const UNITS = ['ns/op', 'ns/spawn', 'bytes/actor', 'restarts/s', 'ms', 'MB'];

function expectWellFormed(result: CaseResult): void {
  expect(result.rows.length).toBeGreaterThan(0);
  for (const row of result.rows) {
    expect(row.name).not.toBe('');
    expect(UNITS).toContain(row.unit);
    expect(Number.isFinite(row.value)).toBe(true);
    if (row.ratio !== undefined) expect(Number.isFinite(row.ratio)).toBe(true);
    if (row.samples !== undefined) expect(row.samples).toHaveLength(onePass.repeats);
  }
  expect(result.checks.length).toBeGreaterThan(0);
  for (const check of result.checks) {
    expect(typeof check.met).toBe('boolean');
    expect(check.target).not.toBe('');
  }
}

test('the smoke test covers every case, each with its own id', () => {
  expect(CASES.map((c) => c.id)).toEqual([
    'cast',
    'bounded-cast',
    'call',
    'ping-pong',
    'spawn',
    'restarts',
    'big-tree',
    'registry',
    'remote-cast',
    'remote-call',
    'cluster-register',
    'worker-cast',
  ]);
});

test.each(CASES.map((c) => [c.id, c] as const))(
  'bench case %s runs',
  async (id, benchCase) => {
    const before = liveActorCount();
    const result = await benchCase.run(rxotp, onePass, benchCase.smokeSize);
    expect(result.id).toBe(id);
    expectWellFormed(result);
    expect(Object.values(result.counts).every((n) => Number.isInteger(n) && n > 0)).toBe(true);
    if (REMOTE.includes(id)) {
      // Two rounds of two batches, every operation accounted for by every implementation.
      const ops = onePass.repeats * 2 * benchCase.smokeSize;
      const { rounds, ...handled } = result.counts;
      expect(Object.values(handled)).toEqual(result.rows.map(() => ops));
      expect(rounds).toBe(onePass.repeats);
    }
    expect(liveActorCount()).toBe(before);
  },
  60_000,
);

test('per-op cases count every operation of every implementation', async () => {
  const result = await CASES.find((c) => c.id === 'cast')!.run(rxotp, onePass, 10);
  // Two batches of 10 per implementation, each handled exactly once.
  expect(Object.values(result.counts)).toEqual([20, 20, 20, 20, 20, 20, 20]);
}, 60_000);

test('one-shot cases report what they did', async () => {
  const byId = (id: string) => CASES.find((c) => c.id === id)!;
  const pingPong = await byId('ping-pong').run(rxotp, onePass, 500);
  expect(pingPong.counts).toEqual({ messages: 500, rounds: 2 });
  const restarts = await byId('restarts').run(rxotp, onePass, 30);
  expect(restarts.counts).toEqual({ restarts: 30, rounds: 2 });
  const tree = await byId('big-tree').run(rxotp, onePass, 40);
  expect(tree.counts).toEqual({ children: 40, bareChildren: 40, rounds: 2 });
  const spawn = await byId('spawn').run(rxotp, onePass, 25);
  expect(spawn.counts).toEqual({ actors: 25, rounds: 2, implementations: 4 });
  // A loaded machine is slow, not wrong: the bound only stops a hang.
}, 60_000);
