// Runs per-op implementations one after another under the same timer and checks that
// each handled exactly what it was sent.
import { expectCount, type Measure } from './measure.js';

/** One implementation of a per-op case, set up and ready to be timed. */
export interface Running {
  /** One batch of operations: sync or async. */
  readonly batch: (() => void) | { readonly async: () => Promise<void> };
  /** How many operations it has handled so far. */
  handled(): number | Promise<number>;
  /** Ends it (actors stopped, fibers interrupted, subscriptions closed). */
  stop(): void | Promise<void>;
}

export interface Impl {
  readonly name: string;
  start(batchSize: number): Running | Promise<Running>;
}

export interface Timed {
  readonly name: string;
  readonly nsPerOp: number;
  readonly handled: number;
}

/** Times each implementation in turn; throws if one lost or invented operations. */
export async function timeEach(
  measure: Measure,
  batchSize: number,
  impls: readonly Impl[],
): Promise<Timed[]> {
  const out: Timed[] = [];
  for (const impl of impls) {
    const running = await impl.start(batchSize);
    let sent = 0;
    const { batch } = running;
    let nsPerOp: number;
    if (typeof batch === 'function') {
      nsPerOp = await measure.perOp(impl.name, batchSize, () => {
        batch();
        sent += batchSize;
      });
    } else {
      nsPerOp = await measure.perOpAsync(impl.name, batchSize, async () => {
        await batch.async();
        sent += batchSize;
      });
    }
    const handled = await running.handled();
    expectCount(impl.name, handled, sent);
    await running.stop();
    out.push({ name: impl.name, nsPerOp, handled });
  }
  return out;
}
