// The timer of `npm run bench`: tinybench for per-op tasks, and forked Node processes for
// cases that want a clean heap.
import { execFile } from 'node:child_process';
import { Bench } from 'tinybench';
import type { Measure } from './measure.js';

export interface HarnessOptions {
  /** Time budget per task, ms. */
  readonly time: number;
  /** Warmup budget per task, ms. */
  readonly warmupTime: number;
  /** Repeats of each one-shot measurement. */
  readonly repeats: number;
}

async function medianNsPerOp(
  name: string,
  batch: number,
  task: () => unknown,
  async: boolean,
  { time, warmupTime }: HarnessOptions,
): Promise<number> {
  const bench = new Bench({ name, time, warmupTime, throws: true });
  bench.add(name, task, { async });
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`${name}: tinybench ended ${result.state}`);
  // Latency is in ms per task call, and each call performs `batch` operations.
  return (result.latency.p50 * 1e6) / batch;
}

function fork(entry: string, args: readonly string[], flags: readonly string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...flags, '--import', 'tsx', entry, ...args],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null)
          return reject(new Error(`${entry} failed: ${error.message}\n${stderr}`));
        const last = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(last));
        } catch {
          reject(new Error(`${entry} printed no JSON last line:\n${stdout}`));
        }
      },
    );
  });
}

export function tinybenchMeasure(options: HarnessOptions): Measure {
  return {
    repeats: options.repeats,
    perOp: (name, batch, task) => medianNsPerOp(name, batch, task, false, options),
    perOpAsync: (name, batch, task) => medianNsPerOp(name, batch, task, true, options),
    fork,
  };
}
