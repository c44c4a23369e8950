// `npm run bench`: every case against its baseline, with the built package.
//   npm run bench -- --only=cast,call     some cases (ids: see bench/cases/index.ts)
//   npm run bench -- --quick              smaller sizes and budgets, for a quick look
//
// Each case runs in a process of its own (this script with `--case=<id>`, which prints the
// result as JSON on its last line): what V8 compiled for one case (its feedback, its inlining)
// never shapes the next one's figures.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as built from 'rxotp';
import { asLib } from './built.js';
import { CASES } from './cases/index.js';
import { tinybenchMeasure } from './harness.js';
import { markdown, printCase, printSummary, writeJson } from './report.js';
import type { CaseResult } from './measure.js';

const RESULTS = 'bench/results/latest.json';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = args
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const quick = args.includes('--quick');
  const unknown = only?.filter((id) => !CASES.some((c) => c.id === id)) ?? [];
  if (unknown.length > 0) {
    throw new Error(
      `unknown case ${unknown.join(', ')}; cases: ${CASES.map((c) => c.id).join(', ')}`,
    );
  }
  if (globalThis.gc === undefined) console.warn('warning: run with --expose-gc for heap figures');

  const lib = asLib(built);
  const measure = tinybenchMeasure(
    quick
      ? { time: 200, warmupTime: 100, repeats: 3 }
      : { time: 1000, warmupTime: 250, repeats: 3 },
  );
  const one = args.find((a) => a.startsWith('--case='))?.slice('--case='.length);
  if (one !== undefined) {
    const c = CASES.find((k) => k.id === one);
    if (c === undefined) throw new Error(`unknown case ${one}`);
    const size = quick ? Math.max(c.smokeSize, Math.floor(c.size / 10)) : c.size;
    console.log(JSON.stringify(await c.run(lib, measure, size)));
    return;
  }

  const startLoad = loadavg();
  console.log(
    `rxotp benchmarks · Node ${process.version} · load average ${startLoad.map((l) => l.toFixed(2)).join(' ')}`,
  );

  const results: CaseResult[] = [];
  for (const c of CASES) {
    if (only !== undefined && !only.includes(c.id)) continue;
    const result = runAlone(c.id, quick);
    printCase(result);
    results.push(result);
  }
  printSummary(results);
  writeJson(RESULTS, results, startLoad);
  writeFileSync(RESULTS.replace(/\.json$/, '.md'), markdown(results, startLoad));
  console.log(`\nwritten to ${RESULTS} and, as Markdown for BENCHMARKS.md, latest.md`);
}

/** Runs one case in a fresh Node process with this one's flags; its result is its last line. */
function runAlone(id: string, quick: boolean): CaseResult {
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, process.argv[1]!, `--case=${id}`, ...(quick ? ['--quick'] : [])],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 },
  );
  const last = out.trimEnd().split('\n').pop() ?? '';
  return JSON.parse(last) as CaseResult;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
