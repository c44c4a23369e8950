// What a case reports and how it is measured. The per-op timer is injected: tinybench
// under `npm run bench`, a single quick pass in the smoke test.
import { performance } from 'node:perf_hooks';
import type { Rxotp } from './lib.js';

/** How a case measures. */
export interface Measure {
  /** How many times each one-shot measurement is repeated; the median is reported. */
  readonly repeats: number;
  /** Times `task`, which performs `batch` operations per call; resolves with the median ns per operation. */
  perOp(name: string, batch: number, task: () => void): Promise<number>;
  /** The same for a task that returns a Promise (awaited inside the timed window). */
  perOpAsync(name: string, batch: number, task: () => Promise<void>): Promise<number>;
  /**
   * Runs a bench entry point in a fresh Node process with extra flags and resolves with
   * the JSON it prints on its last line. Absent: the case samples in this process.
   */
  readonly fork?: (
    entry: string,
    args: readonly string[],
    flags: readonly string[],
  ) => Promise<unknown>;
}

export type Unit = 'ns/op' | 'ns/spawn' | 'bytes/actor' | 'restarts/s' | 'ms' | 'MB';

/** One measured implementation. */
export interface Row {
  /** Who was measured: `rxotp ...`, the bare baseline, or a peer library. */
  readonly name: string;
  readonly value: number;
  readonly unit: Unit;
  /**
   * The ratio this row's comparison stands for, rxotp ÷ baseline: on a baseline or peer row,
   * rxotp's value divided by this one; on an rxotp variant (a send through a name), this
   * value divided by the plain one.
   */
  readonly ratio?: number;
  /** The samples behind `value`, for one-shot measurements (`value` is their median). */
  readonly samples?: readonly number[];
}

/** A target from the performance issue, and whether this run met it. */
export interface Check {
  readonly what: string;
  readonly actual: string;
  readonly target: string;
  readonly met: boolean;
}

export interface CaseResult {
  readonly id: string;
  readonly title: string;
  readonly rows: readonly Row[];
  readonly checks: readonly Check[];
  /** Work done, for sanity checks: messages handled, actors spawned, restarts. */
  readonly counts: Readonly<Record<string, number>>;
}

/** A case: a function of the library, the timer and a size. */
export interface BenchCase {
  readonly id: string;
  readonly title: string;
  /** The size `npm run bench` uses (ops per batch, messages, actors or restarts). */
  readonly size: number;
  /** A size small enough for the smoke test. */
  readonly smokeSize: number;
  run(lib: Rxotp, measure: Measure, size: number): Promise<CaseResult>;
}

export const now = (): number => performance.now();

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Full collection when Node runs with --expose-gc (the bench script does); a no-op otherwise. */
export function collectGarbage(): void {
  // Twice: the first pass can leave weakly held and finalizable objects for the second.
  globalThis.gc?.();
  globalThis.gc?.();
}

export const heapUsed = (): number => process.memoryUsage().heapUsed;

/** Lets timers and other macrotasks run (Effect fibers resume on them). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Throws when an implementation lost or invented work: a fast wrong answer is not a result. */
export function expectCount(what: string, actual: number, expected: number): void {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${expected}, got ${actual}`);
  }
}

/** A row compared with rxotp's value of the same unit. */
export const against = (name: string, value: number, unit: Unit, rxotp: number): Row => ({
  name,
  value,
  unit,
  ratio: rxotp / value,
});

export const fmt = (x: number, digits = 1): string =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const fmtRatio = (r: number): string => `${r.toFixed(2)}×`;

/** `ratio ≤ limit` for a comparison with a baseline. */
export const ratioAtMost = (what: string, ratio: number, limit: number): Check => ({
  what,
  actual: fmtRatio(ratio),
  // Two decimals when the limit has them (1.25, 1.15): one would print them rounded.
  target: `≤ ${limit.toFixed(Number.isInteger(limit * 10) ? 1 : 2)}×`,
  met: ratio <= limit,
});

/** rxotp ahead of a peer: its time (or bytes) below the peer's. */
export const ahead = (what: string, ratio: number): Check => ({
  what,
  actual: fmtRatio(ratio),
  target: '< 1.0× (ahead)',
  met: ratio < 1,
});

/** One-shot measurements, repeated: runs `sample` `repeats` times and keeps every result. */
export async function repeat<T>(
  repeats: number,
  sample: (round: number) => Promise<T> | T,
): Promise<T[]> {
  const out: T[] = [];
  for (let round = 0; round < repeats; round++) out.push(await sample(round));
  return out;
}
