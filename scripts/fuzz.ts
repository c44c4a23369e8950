// The long campaign of the supervision properties in test/property: random
// trees and schedules on virtual time, every case checked against the
// reference model in test/property/model with all the checks at once.
//
//   npm run fuzz                                  100,000 cases, a random seed
//   npm run fuzz -- --cases 1000000 --minutes 60  stop at whichever comes first
//   npm run fuzz -- --seed 42 --path 7:3:0        replay one failure (printed on failure)
//   npm run fuzz -- --steps 60                    longer schedules (default 25, as in CI)
//   npm run fuzz -- --skip restart,backoff        leave step kinds (or backoff) out, e.g.
//                                                 to look past a known bug
//
// The same settings can come from FUZZ_CASES, FUZZ_SEED, FUZZ_MINUTES, FUZZ_STEPS, FUZZ_SKIP.

import fc from 'fast-check';
import { caseArb, skippable, type Case, type Skippable } from '../test/property/arbitraries.js';
import { allChecks, checkCase } from '../test/property/check-case.js';
import { runImpl } from '../test/property/run-impl.js';
import { formatTrace } from '../test/property/model/format-trace.js';
import { runModel } from '../test/property/model/run-model.js';

interface Options {
  readonly cases: number;
  readonly seed: number;
  readonly path: string | undefined;
  readonly minutes: number;
  readonly steps: number;
  readonly skip: readonly Skippable[];
}

function options(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : env[`FUZZ_${name.toUpperCase()}`];
  };
  const number = (name: string, fallback: number): number => {
    const raw = flag(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (Number.isNaN(n) || n < 0) throw new Error(`--${name} must be a number, got ${raw}`);
    return n;
  };
  return {
    cases: number('cases', 100_000),
    // A 31-bit seed, as fast-check takes it.
    seed: number('seed', (Date.now() ^ (Math.random() * 0x7fffffff)) & 0x7fffffff),
    path: flag('path'),
    minutes: number('minutes', Infinity),
    steps: number('steps', 25),
    skip: (flag('skip') ?? '')
      .split(',')
      .filter((k) => k !== '')
      .map((k) => {
        const kind = skippable.find((s) => s === k);
        if (kind === undefined) throw new Error(`--skip takes ${skippable.join(', ')}; got ${k}`);
        return kind;
      }),
  };
}

async function main(): Promise<number> {
  const opts = options(process.argv.slice(2), process.env);
  const checks = Object.values(allChecks);
  const started = Date.now();
  let ran = 0;
  const limit = Number.isFinite(opts.minutes) ? ` or ${opts.minutes} min` : '';
  const without = opts.skip.length > 0 ? `, without ${opts.skip.join(', ')}` : '';
  console.log(
    `fuzz: seed ${opts.seed}, up to ${opts.cases} cases${limit}, schedules of up to ${opts.steps} steps${without}`,
  );

  const property = fc.asyncProperty(caseArb(opts.steps, opts.skip), async (c: Case) => {
    ran += 1;
    if (ran % 10_000 === 0) {
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      console.log(`  ${ran} cases, ${seconds} s`);
    }
    const problems = await checkCase(c, checks);
    if (problems.length > 0) throw new Error(problems.join('\n'));
  });

  const details = await fc.check(property, {
    numRuns: opts.cases,
    seed: opts.seed,
    ...(opts.path === undefined ? {} : { path: opts.path }),
    ...(Number.isFinite(opts.minutes)
      ? { interruptAfterTimeLimit: opts.minutes * 60_000, markInterruptAsFailure: false }
      : {}),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

  if (!details.failed) {
    const why = details.interrupted ? ' (time limit reached)' : '';
    console.log(`fuzz: ${details.numRuns} cases passed in ${seconds} s${why}, seed ${opts.seed}`);
    return 0;
  }

  const [counterexample] = details.counterexample ?? [];
  const error = details.errorInstance;
  console.log(
    `fuzz: FAILED after ${details.numRuns} cases (${seconds} s), shrunk ${details.numShrinks} times`,
  );
  console.log(`counterexample:\n${fc.stringify(counterexample)}`);
  console.log(`disagreement:\n${error instanceof Error ? error.message : String(error)}`);
  if (counterexample !== undefined) printTraces(counterexample);
  const skip = opts.skip.length > 0 ? ` --skip ${opts.skip.join(',')}` : '';
  console.log(
    `replay: npm run fuzz -- --seed ${details.seed} --path ${details.counterexamplePath} --steps ${opts.steps}${skip}`,
  );
  return 1;
}

/** Both full traces of a case, step by step, to read a disagreement in context. */
function printTraces(c: Case): void {
  const model = runModel(c.root, c.schedule);
  const impl = runImpl(c);
  console.log('traces (model | rxotp):');
  model.steps.forEach((m, i) => {
    const step =
      i === 0 ? 'start' : i > c.schedule.length ? 'end' : JSON.stringify(c.schedule[i - 1]);
    console.log(`  step ${i}: ${step}`);
    const want = formatTrace(m.trace);
    const got = formatTrace(impl.steps[i]?.trace ?? []);
    for (let j = 0; j < Math.max(want.length, got.length); j++) {
      const w = want[j] ?? '';
      const g = got[j] ?? '';
      console.log(`    ${w.padEnd(36)} ${w === g ? '|' : '*'} ${g}`);
    }
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
