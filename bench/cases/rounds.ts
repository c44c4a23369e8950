// Per-op timing for cases whose operations cross a socket or a thread: one machine's noise
// moves them far more than in-process sends, so each implementation is timed in several
// rounds, the order alternating from round to round, and the median round is reported.
import {
  median,
  ratioAtMost,
  repeat,
  type CaseResult,
  type Measure,
  type Row,
} from '../measure.js';
import { timeEach, type Impl } from '../per-op.js';

export interface Rounds {
  readonly name: string;
  /** ns per operation, one per round. */
  readonly samples: number[];
  readonly nsPerOp: number;
  /** Operations handled over all rounds (each round checks its own count). */
  readonly handled: number;
}

/**
 * Times `impls` with `timeEach` in `measure.repeats` rounds, each set up afresh, the order
 * reversed every other round so that neither side always runs first.
 */
export async function alternating(
  measure: Measure,
  batch: number,
  impls: readonly Impl[],
): Promise<Rounds[]> {
  const rounds = await repeat(measure.repeats, async (round) => {
    const order = round % 2 === 0 ? impls : [...impls].reverse();
    const timed = await timeEach(measure, batch, order);
    return impls.map((impl) => timed.find((t) => t.name === impl.name)!);
  });
  return impls.map((impl, i) => {
    const samples = rounds.map((r) => r[i]!.nsPerOp);
    return {
      name: impl.name,
      samples,
      nsPerOp: median(samples),
      handled: rounds.reduce((sum, r) => sum + r[i]!.handled, 0),
    };
  });
}

/** A case of rxotp (first) against one baseline (second), with its ratio target. */
export function versus(
  id: string,
  title: string,
  [rxotp, base]: readonly Rounds[],
  check: string,
  limit: number,
): CaseResult {
  const ratio = rxotp!.nsPerOp / base!.nsPerOp;
  const rows: Row[] = [
    { name: rxotp!.name, value: rxotp!.nsPerOp, unit: 'ns/op', samples: rxotp!.samples },
    { name: base!.name, value: base!.nsPerOp, unit: 'ns/op', ratio, samples: base!.samples },
  ];
  return {
    id,
    title,
    rows,
    checks: [ratioAtMost(check, ratio, limit)],
    counts: {
      [rxotp!.name]: rxotp!.handled,
      [base!.name]: base!.handled,
      rounds: rxotp!.samples.length,
    },
  };
}
