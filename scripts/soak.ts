// Memory soak: crash/restart cycles under supervisors, spawn/exit cycles and
// timer re-arming in one long-lived actor, showing that heap and live actors
// stay level while cycling and come back to where they started.
// Run with `npm run soak` (builds, then runs this with --expose-gc against
// dist/ through the package's own name). `npm run soak -- 20000` runs fewer
// cycles. Exits non-zero if a figure does not come back.

import { of, VirtualTimeScheduler, type Subscription } from 'rxjs';
import {
  cast,
  child,
  genServer,
  oneForAll,
  oneForOne,
  Registry,
  spawn,
  stop,
  supervise,
  typedName,
  via,
  type ProtocolOf,
  type SupervisorNotification,
} from 'rxotp';

/** A worker's name, with its protocol. */
const workerName = (name: string) => typedName<ProtocolOf<typeof worker>>(name);
import { liveActorCount } from 'rxotp/testing';

const CYCLES = Number(process.argv[2] ?? 100_000);
// What a phase may leave behind once torn down, and what it may grow by
// between its warm-up point and its last cycle (100,000 cycles: ~10 bytes each).
const HEAP_TOLERANCE = 1024 * 1024;
const WARM_UP = 1000;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('soak: run with node --expose-gc (npm run soak does)');
  process.exit(2);
}

function heapUsed(): number {
  // Several passes: finalizers and weak maps free more on the next one.
  for (let i = 0; i < 4; i++) gc?.();
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const signed = (bytes: number): string => `${bytes >= 0 ? '+' : ''}${(bytes / 1024).toFixed(0)} KB`;

interface Figures {
  readonly name: string;
  readonly heapBefore: number;
  readonly heapWarm: number;
  readonly heapEnd: number;
  readonly heapAfter: number;
  readonly liveBefore: number;
  readonly liveEnd: number;
  readonly liveAfter: number;
  readonly counted: string;
  readonly problems: readonly string[];
}

const worker = genServer({
  init: () => 0,
  handleCast: (msg: 'ping' | 'crash', n: number) => {
    if (msg === 'crash') throw new Error('soak crash');
    return n + 1;
  },
});

/**
 * Runs `cycles` steps of `cycle` on a virtual-time scheduler, `gap` virtual ms
 * apart, so intensity windows slide as they would in a long-lived app.
 */
function onVirtualTime(
  scheduler: VirtualTimeScheduler,
  gap: number,
  cycle: (i: number) => void,
  warm: () => void,
): void {
  let i = 0;
  // Each cycle is scheduled afresh on the scheduler: an action rescheduling
  // itself (`this.schedule`) chains every VirtualAction to the previous one,
  // which would be this script's own leak.
  const work = (): void => {
    cycle(i);
    i += 1;
    if (i === WARM_UP) warm();
    if (i < CYCLES) scheduler.schedule(work, gap);
  };
  scheduler.schedule(work, 0);
  scheduler.flush();
}

function check(
  name: string,
  f: Omit<Figures, 'name' | 'problems'>,
  expectedLive: number,
  extra: readonly string[],
): Figures {
  const problems = [...extra];
  if (f.liveEnd !== f.liveBefore + expectedLive) {
    problems.push(`${f.liveEnd} actors alive at the end, expected ${f.liveBefore + expectedLive}`);
  }
  if (f.liveAfter !== f.liveBefore)
    problems.push(`liveActorCount did not return to ${f.liveBefore}`);
  if (f.heapEnd - f.heapWarm > HEAP_TOLERANCE) problems.push('heap grew while cycling');
  if (f.heapAfter - f.heapBefore > HEAP_TOLERANCE) problems.push('heap did not return');
  return { name, ...f, problems };
}

/** What a scenario counted, and anything that went wrong beyond the heap and actor checks. */
interface Outcome {
  readonly counted: string;
  readonly extra?: readonly string[];
}

/**
 * Measures one scenario: heap and live actors before, after the warm-up (when
 * `run` calls `warm`), at the end of the cycles, and after the teardown that
 * `run` returns; `expectedLive` actors may still be alive at the end.
 */
function soak(
  name: string,
  expectedLive: number,
  run: (warm: () => void) => () => Outcome,
): Figures {
  const heapBefore = heapUsed();
  const liveBefore = liveActorCount();
  let heapWarm = 0;
  const tearDown = run(() => (heapWarm = heapUsed()));
  const heapEnd = heapUsed();
  const liveEnd = liveActorCount();
  const { counted, extra = [] } = tearDown();
  return check(
    name,
    {
      heapBefore,
      heapWarm,
      heapEnd,
      heapAfter: heapUsed(),
      liveBefore,
      liveEnd,
      liveAfter: liveActorCount(),
      counted,
    },
    expectedLive,
    extra,
  );
}

/** `counted` restarts, and a problem unless there were exactly `CYCLES`. */
function restartsOutcome(restarts: number): Outcome {
  const extra = restarts === CYCLES ? [] : [`${restarts} restarts, expected ${CYCLES}`];
  return { counted: `${restarts} restarts`, extra };
}

/** One worker under one_for_one, crashed 100,000 times through its name. */
function crashOneForOne(): Figures {
  return soak('crash/restart, one_for_one', 2, (warm) => {
    const scheduler = new VirtualTimeScheduler();
    const registry = new Registry();
    let restarts = 0;
    const sub = of(child('w', () => worker.start(), { restart: 'permanent' }))
      .pipe(oneForOne({ intensity: 100, period: 1000, registry, scheduler }))
      .subscribe((n: SupervisorNotification) => {
        if (n.kind === 'restart') restarts += 1;
      });
    const target = via(registry, typedName<ProtocolOf<typeof worker>>('w'));
    onVirtualTime(
      scheduler,
      20,
      () => {
        cast(target, 'ping');
        cast(target, 'crash');
      },
      warm,
    );
    return () => {
      sub.unsubscribe();
      return restartsOutcome(restarts);
    };
  });
}

/**
 * A nested tree: one_for_all over two workers and a one_for_one supervisor of
 * two more; crashes alternate between a top worker (everything restarts) and
 * a nested one (only it restarts).
 */
function crashNestedTree(): Figures {
  return soak('crash/restart, nested one_for_all', 6, (warm) => {
    const scheduler = new VirtualTimeScheduler();
    const registry = new Registry();
    let restarts = 0;
    const permanent = { restart: 'permanent' } as const;
    const inner = () =>
      supervise(
        [child('c', () => worker.start(), permanent), child('d', () => worker.start(), permanent)],
        { strategy: 'one_for_one', intensity: 100, period: 1000, registry, scheduler },
      );
    const sub = of(
      child('a', () => worker.start(), permanent),
      child('inner', inner, { ...permanent, type: 'supervisor' }),
      child('b', () => worker.start(), permanent),
    )
      .pipe(oneForAll({ intensity: 100, period: 1000, registry, scheduler }))
      .subscribe((n: SupervisorNotification) => {
        if (n.kind === 'restart') restarts += 1;
      });
    const targets = [via(registry, workerName('a')), via(registry, workerName('d'))];
    onVirtualTime(
      scheduler,
      20,
      (i) => {
        const target = targets[i % 2];
        if (target !== undefined) cast(target, 'crash');
      },
      warm,
    );
    return () => {
      sub.unsubscribe();
      return restartsOutcome(restarts);
    };
  });
}

/** 100,000 actors spawned and ended, alternately by `ctx.stop()` and by `stop()` from outside. */
function spawnExit(): Figures {
  const shortLived = genServer({
    init: (n: number) => n,
    handleCast: (_msg: 'bye', n: number, ctx) => {
      ctx.stop();
      return n;
    },
  });
  return soak('spawn/exit', 0, (warm) => {
    let exits = 0;
    for (let i = 0; i < CYCLES; i++) {
      const pid = spawn(shortLived, i);
      if (i % 2 === 0) cast(pid, 'bye');
      else stop(pid);
      pid.exit$.subscribe(() => (exits += 1));
      if (i + 1 === WARM_UP) warm();
    }
    return () => ({
      counted: `${exits} exits`,
      extra: exits === CYCLES ? [] : [`${exits} exits seen, expected ${CYCLES}`],
    });
  });
}

/**
 * One long-lived actor that re-arms an idle timer on every message (cancel
 * the last `sendAfter`, start a new one): the usual idle-timeout pattern.
 */
function timerReset(): Figures {
  const scheduler = new VirtualTimeScheduler();
  let idleTimer: Subscription | undefined;
  const idle = genServer({
    init: () => 0,
    handleCast: (_msg: 'touch', n: number, ctx) => {
      idleTimer?.unsubscribe();
      idleTimer = ctx.sendAfter(1000, 'idle');
      return n + 1;
    },
    handleInfo: (_msg: 'idle', n: number) => n,
  });
  return soak('sendAfter cancelled and re-armed', 1, (warm) => {
    const pid = spawn(idle, undefined, { scheduler });
    for (let i = 0; i < CYCLES; i++) {
      cast(pid, 'touch');
      if (i + 1 === WARM_UP) warm();
    }
    return () => {
      stop(pid);
      scheduler.flush();
      idleTimer = undefined;
      return { counted: `${CYCLES} timers re-armed, ${scheduler.actions.length} left pending` };
    };
  });
}

function report(f: Figures): void {
  console.log(`\n${f.name}: ${CYCLES} cycles, ${f.counted}`);
  console.log(
    `  heap used   before ${mb(f.heapBefore)}  after ${WARM_UP} cycles ${mb(f.heapWarm)}` +
      `  after ${CYCLES} ${mb(f.heapEnd)} (${signed(f.heapEnd - f.heapWarm)})` +
      `  torn down ${mb(f.heapAfter)} (${signed(f.heapAfter - f.heapBefore)})`,
  );
  console.log(
    `  live actors before ${f.liveBefore}  at the end ${f.liveEnd}  torn down ${f.liveAfter}`,
  );
  console.log(f.problems.length === 0 ? '  ok' : `  FAILED: ${f.problems.join('; ')}`);
}

const started = Date.now();
const results = [crashOneForOne(), crashNestedTree(), spawnExit(), timerReset()];
results.forEach(report);
const failed = results.some((f) => f.problems.length > 0);
console.log(
  `\nsoak: ${failed ? 'FAILED' : 'ok'} in ${((Date.now() - started) / 1000).toFixed(1)} s` +
    ` (heap tolerance ${mb(HEAP_TOLERANCE)})`,
);
process.exit(failed ? 1 : 0);
