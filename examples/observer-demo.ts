// `npm run demo:observer`: a supervision tree whose workers crash at random, under the
// observer. Open the printed URL to watch it: restarts flash, backoff waits count down,
// a supervisor that restarts too often gives up (and its parent restarts it), and
// clicking a child lists its recent exits. It stops after RXOTP_DEMO_SECONDS seconds if
// that is set, else at Ctrl-C. RXOTP_OBSERVER_PORT picks the port (default: a free one).
//
//   root               one_for_one
//   ├─ stats           counts finished jobs; the others reach it by name
//   ├─ workers         one_for_one with backoff
//   │  └─ w1, w2, w3   crash now and then
//   ├─ pipeline        one_for_all: a crash of one restarts all three
//   │  └─ reader, parser (crashes now and then), writer
//   ├─ queue           rest_for_one
//   │  └─ producer, consumer (slow: messages wait in its mailbox)
//   └─ flaky           one_for_one, intensity 2: gives up now and then
//      └─ f1
import { map, of, timer } from 'rxjs';
import {
  Registry,
  cast,
  child,
  genServer,
  oneForAll,
  oneForOne,
  restForOne,
  stop,
  via,
} from 'rxotp';
import { observe } from 'rxotp/observer';

const seconds = Number(process.env['RXOTP_DEMO_SECONDS'] ?? Infinity);
const port = Number(process.env['RXOTP_OBSERVER_PORT'] ?? 0);
const registry = new Registry();

// ---- The actors -------------------------------------------------------------------

type StatsProtocol = { call: never; reply: never; cast: { done: string }; info: never };
const stats = via<StatsProtocol>(registry, 'stats');

const statsServer = genServer({
  init: (): Record<string, number> => ({}),
  handleCast: ({ done }: { done: string }, totals) => ({
    ...totals,
    [done]: (totals[done] ?? 0) + 1,
  }),
});

/** Does a job every `every` ms or so; each job fails with probability `crashRate`. */
const worker = genServer({
  init: (config: { id: string; every: number; crashRate: number }, ctx) => {
    ctx.sendAfter(config.every * (0.5 + Math.random()), 'tick');
    return { ...config, jobs: 0 };
  },
  handleInfo: (_: 'tick', s, ctx) => {
    if (Math.random() < s.crashRate) throw new Error(`${s.id} failed job ${s.jobs + 1}`);
    cast(stats, { done: s.id });
    ctx.sendAfter(s.every * (0.5 + Math.random()), 'tick');
    return { ...s, jobs: s.jobs + 1 };
  },
});

const job = (id: string, every: number, crashRate: number) =>
  child(id, () => worker.start({ id, every, crashRate }));

/** Takes 40 ms per item, so a burst from the producer waits in its mailbox. */
const consumer = genServer({
  init: () => 0,
  handleCast: (item: number, done: number) => {
    if (item % 97 === 96) throw new Error(`item ${item} is malformed`);
    return timer(40).pipe(map(() => done + 1));
  },
});
type Consumer = { call: never; reply: never; cast: number; info: never };

/** Sends the consumer a burst of items every second. */
const producer = genServer({
  init: (_: void, ctx) => {
    ctx.sendAfter(300, 'tick');
    return 0;
  },
  handleInfo: (_: 'tick', sent: number, ctx) => {
    const burst = 5 + Math.floor(Math.random() * 20);
    for (let i = 0; i < burst; i++) cast(via<Consumer>(registry, 'consumer'), sent + i);
    ctx.sendAfter(1000, 'tick');
    return sent + burst;
  },
});

// ---- The tree ---------------------------------------------------------------------

const workers$ = of(job('w1', 250, 0.04), job('w2', 300, 0.04), job('w3', 350, 0.04)).pipe(
  oneForOne({ registry, intensity: 5, period: 5000, backoff: { min: 500, max: 4000 } }),
);
const pipeline$ = of(job('reader', 200, 0), job('parser', 250, 0.03), job('writer', 200, 0)).pipe(
  oneForAll({ registry, intensity: 5, period: 5000 }),
);
const queue$ = of(
  child('producer', () => producer.start()),
  child('consumer', () => consumer.start()),
).pipe(restForOne({ registry, intensity: 5, period: 5000 }));
const flaky$ = of(job('f1', 200, 0.12)).pipe(oneForOne({ registry, intensity: 2, period: 3000 }));

const tree$ = of(
  child('stats', () => statsServer.start()),
  child('workers', () => workers$, { type: 'supervisor' }),
  child('pipeline', () => pipeline$, { type: 'supervisor' }),
  child('queue', () => queue$, { type: 'supervisor' }),
  child('flaky', () => flaky$, { type: 'supervisor', restart: 'permanent' }),
).pipe(oneForOne({ registry, intensity: 1000, period: 10_000 }));

// ---- Running it under the observer --------------------------------------------------

// observe() subscribes the tree: it runs while the observer does, and stops with it.
const observer = observe(tree$, { port });

// Chaos: besides their own failures, the parser and a random worker are killed in
// turn from outside, by name, with an error reason (so they restart).
const chaos = timer(1500, 2500).subscribe((i) => {
  const victim = i % 2 === 0 ? 'parser' : `w${1 + Math.floor(Math.random() * 3)}`;
  stop(via(registry, victim), { kind: 'error', error: new Error(`${victim} killed by chaos`) });
});

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return; // Ctrl-C can arrive more than once (npm and tsx relay it)
  stopping = true;
  chaos.unsubscribe();
  clearTimeout(deadline);
  await observer.close();
  console.log('observer closed, tree stopped.');
}

const deadline = Number.isFinite(seconds)
  ? setTimeout(() => void shutdown(), seconds * 1000)
  : undefined;
process.on('SIGINT', () => void shutdown());

observer.ready.then(
  (url) => {
    const until = Number.isFinite(seconds) ? `for ${seconds} s` : 'until Ctrl-C';
    console.log(`rxotp observer: open ${url} (runs ${until})`);
  },
  (error: unknown) => {
    console.error(`the observer could not listen: ${String(error)}`);
    void shutdown();
    process.exitCode = 1;
  },
);
