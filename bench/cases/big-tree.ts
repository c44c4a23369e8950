// Case 6: `size` idle genServer children under one oneForOne supervisor: time from subscribe
// until every child has started, and the heap the process uses with the tree up.
import { from, type Subscription } from 'rxjs';
import type { Rxotp } from '../lib.js';
import {
  collectGarbage,
  expectCount,
  fmt,
  heapUsed,
  median,
  now,
  repeat,
  type BenchCase,
  type CaseResult,
  type Measure,
} from '../measure.js';

/** One tree, measured. */
export interface TreeSample {
  /** Building the child specs. */
  readonly specMs: number;
  /** From subscribe until the last child's `child-started`. */
  readonly startMs: number;
  /** Heap used by the whole process with the tree up, after a full GC. */
  readonly heapBytes: number;
  /** The part of it added by the specs and the tree. */
  readonly treeBytes: number;
  readonly children: number;
}

export const isTreeSample = (x: unknown): x is TreeSample =>
  typeof x === 'object' &&
  x !== null &&
  ['specMs', 'startMs', 'heapBytes', 'treeBytes', 'children'].every(
    (k) => typeof (x as Record<string, unknown>)[k] === 'number',
  );

/** Builds one tree of `size` children and measures it; `teardown` ends it afterwards. */
export async function bigTreeOnce(lib: Rxotp, size: number, teardown = true): Promise<TreeSample> {
  const worker = lib.genServer({
    init: () => 0,
    handleCast: (by: number, n: number) => n + by,
  });
  collectGarbage();
  const before = heapUsed();
  const t0 = now();
  const specs = new Array<ReturnType<Rxotp['child']>>(size);
  for (let i = 0; i < size; i++) specs[i] = lib.child(`w${i}`, () => worker.start());
  const t1 = now();
  let children = 0;
  let allStarted = 0;
  let supervisorStarted = false;
  let wake: (() => void) | null = null;
  const subscription: Subscription = from(specs)
    .pipe(lib.oneForOne())
    .subscribe((n) => {
      if (n.kind === 'started') supervisorStarted = true;
      else if (n.kind === 'child-started' && ++children === size) {
        allStarted = now();
        wake?.();
      } else if (n.kind === 'exit')
        throw new Error(`the supervisor exited: ${lib.formatExit(n.reason)}`);
    });
  if (children < size) await new Promise<void>((resolve) => (wake = resolve));
  if (!supervisorStarted) throw new Error('the supervisor never emitted started');
  expectCount('children started', children, size);
  collectGarbage();
  const heapBytes = heapUsed();
  if (teardown) subscription.unsubscribe();
  return {
    specMs: t1 - t0,
    startMs: allStarted - t1,
    heapBytes,
    treeBytes: heapBytes - before,
    children,
  };
}

const MB = 1e6;

export async function bigTreeCase(lib: Rxotp, measure: Measure, size: number): Promise<CaseResult> {
  // Each tree gets a fresh process when the harness can fork one: a clean heap to measure,
  // and a million actors need no teardown there.
  const fork = measure.fork;
  const samples = await repeat(measure.repeats, async () => {
    if (fork === undefined) return bigTreeOnce(lib, size);
    const out = await fork('bench/big-tree-main.ts', [String(size)], BIG_TREE_FLAGS);
    if (!isTreeSample(out)) throw new Error(`big tree: unexpected output ${JSON.stringify(out)}`);
    return out;
  });
  const startMs = median(samples.map((s) => s.startMs));
  const specMs = median(samples.map((s) => s.specMs));
  const heap = median(samples.map((s) => s.heapBytes));
  const tree = median(samples.map((s) => s.treeBytes));
  return {
    id: 'big-tree',
    title: `6. ${size.toLocaleString('en-US')} idle genServers under one oneForOne supervisor`,
    rows: [
      {
        name: 'build child specs',
        value: specMs,
        unit: 'ms',
        samples: samples.map((s) => s.specMs),
      },
      {
        name: 'subscribe → all children started',
        value: startMs,
        unit: 'ms',
        samples: samples.map((s) => s.startMs),
      },
      {
        name: 'heap used, whole process',
        value: heap / MB,
        unit: 'MB',
        samples: samples.map((s) => s.heapBytes / MB),
      },
      {
        name: 'heap added by the tree (and specs)',
        value: tree / MB,
        unit: 'MB',
        samples: samples.map((s) => s.treeBytes / MB),
      },
      { name: 'bytes per child', value: tree / size, unit: 'bytes/actor' },
    ],
    checks: [
      {
        what: `time to start ${size.toLocaleString('en-US')} children`,
        actual: `${fmt(startMs / 1000, 2)} s`,
        target: '≤ 2 s',
        met: startMs <= 2000,
      },
      {
        what: `heap with ${size.toLocaleString('en-US')} children`,
        actual: `${fmt(heap / 1e9, 2)} GB`,
        target: '≤ 0.8 GB',
        met: heap <= 0.8e9,
      },
    ],
    counts: { children: Math.min(...samples.map((s) => s.children)), rounds: samples.length },
  };
}

/** Node flags of the forked process: a heap limit with room above the 0.8 GB target, and gc(). */
export const BIG_TREE_FLAGS = ['--expose-gc', '--max-old-space-size=4096'] as const;

export const bigTree: BenchCase = {
  id: 'big-tree',
  title: '6. one supervisor, many children',
  size: 1_000_000,
  smokeSize: 100,
  run: bigTreeCase,
};
