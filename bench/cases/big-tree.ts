// Case 6: `size` idle genServer children under one oneForOne supervisor: time from subscribe
// until every child has started, and the heap the process uses with the tree up; beside it, a
// bare tree of the same size doing the same index work (`BareTree`).
import { from, type Subscription } from 'rxjs';
import { BareSpec, BareTree, QueueActor } from '../bare.js';
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
  return measureTree(
    size,
    (id) => lib.child(id, () => worker.start()),
    async (specs) => {
      let children = 0;
      let supervisorStarted = false;
      let wake: (() => void) | null = null;
      const subscription: Subscription = from(specs)
        .pipe(lib.oneForOne())
        .subscribe((n) => {
          if (n.kind === 'started') supervisorStarted = true;
          else if (n.kind === 'child-started' && ++children === size) wake?.();
          else if (n.kind === 'exit')
            throw new Error(`the supervisor exited: ${lib.formatExit(n.reason)}`);
        });
      if (children < size) await new Promise<void>((resolve) => (wake = resolve));
      if (!supervisorStarted) throw new Error('the supervisor never emitted started');
      return {
        children,
        end: () => {
          if (teardown) subscription.unsubscribe();
        },
      };
    },
  );
}

/** The same tree as a `BareTree` of bare queue actors: the floor of case 6 on this machine. */
export function bareTreeOnce(size: number): Promise<TreeSample> {
  const add = (n: number, by: number): number => n + by;
  return measureTree(
    size,
    (id) => new BareSpec(id, () => new QueueActor(add, 0)),
    (specs) => {
      const tree = new BareTree(specs);
      // `end` holds the tree until its heap is measured.
      return Promise.resolve({ children: tree.names.size, end: () => void tree });
    },
  );
}

/**
 * Times one tree: `spec` builds each child's spec, `build` starts the tree and resolves once
 * every child has started; heap figures are taken with it up, before `end`.
 */
async function measureTree<S>(
  size: number,
  spec: (id: string) => S,
  build: (specs: S[]) => Promise<{ readonly children: number; readonly end: () => void }>,
): Promise<TreeSample> {
  collectGarbage();
  const before = heapUsed();
  const t0 = now();
  const specs = new Array<S>(size);
  for (let i = 0; i < size; i++) specs[i] = spec(`w${i}`);
  const t1 = now();
  const { children, end } = await build(specs);
  const t2 = now();
  expectCount('children started', children, size);
  collectGarbage();
  const heapBytes = heapUsed();
  end();
  return {
    specMs: t1 - t0,
    startMs: t2 - t1,
    heapBytes,
    treeBytes: heapBytes - before,
    children,
  };
}

const MB = 1e6;

export async function bigTreeCase(lib: Rxotp, measure: Measure, size: number): Promise<CaseResult> {
  // Each tree gets a fresh process when the harness can fork one: a clean heap to measure,
  // and a million actors need no teardown there. The bare tree alternates with rxotp's.
  const fork = measure.fork;
  const sample = async (bare: boolean): Promise<TreeSample> => {
    if (fork === undefined) return bare ? bareTreeOnce(size) : bigTreeOnce(lib, size);
    const args = bare ? [String(size), 'bare'] : [String(size)];
    const out = await fork('bench/big-tree-main.ts', args, BIG_TREE_FLAGS);
    if (!isTreeSample(out)) throw new Error(`big tree: unexpected output ${JSON.stringify(out)}`);
    return out;
  };
  const pairs = await repeat(measure.repeats, async () => ({
    rxotp: await sample(false),
    bare: await sample(true),
  }));
  const samples = pairs.map((p) => p.rxotp);
  const bares = pairs.map((p) => p.bare);
  const startMs = median(samples.map((s) => s.startMs));
  const bareMs = median(bares.map((s) => s.startMs));
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
        name: 'bare tree: id index, queue actors, name index',
        value: bareMs,
        unit: 'ms',
        ratio: startMs / bareMs,
        samples: bares.map((s) => s.startMs),
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
      {
        name: 'bare tree: bytes per child',
        value: median(bares.map((s) => s.treeBytes)) / size,
        unit: 'bytes/actor',
      },
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
    counts: {
      children: Math.min(...samples.map((s) => s.children)),
      bareChildren: Math.min(...bares.map((s) => s.children)),
      rounds: samples.length,
    },
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
