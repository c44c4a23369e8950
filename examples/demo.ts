// `npm start`: a live supervision tree. Workers crash at random (and a chaos timer
// kills one now and then), supervisors restart them, and every event is shown as
// it happens: one line per event, or a redrawn tree on a terminal. It stops by
// itself after ten seconds (RXOTP_DEMO_SECONDS overrides that), or at Ctrl-C, and
// tears the tree down cleanly either way.
//
//   root               one_for_one
//   ├─ stats           counts finished jobs; the others reach it by name
//   ├─ workers         one_for_one with backoff
//   │  └─ w1, w2, w3   crash now and then
//   └─ pipeline        one_for_all: a crash of one restarts all three
//      └─ reader, parser (crashes now and then), writer (flushes on terminate)
import { of, timer } from 'rxjs';
import {
  MaxRestartsExceededError,
  Registry,
  call,
  cast,
  child,
  formatExit,
  genServer,
  oneForAll,
  oneForOne,
  stop,
  via,
  type ExitReason,
  type Pid,
  type SupervisorNotification,
} from 'rxotp';

const seconds = Number(process.env['RXOTP_DEMO_SECONDS'] ?? 10);
const live = process.stdout.isTTY === true && process.env['CI'] === undefined;
const registry = new Registry();

// ---- The actors -------------------------------------------------------------------

type StatsProtocol = {
  call: 'totals';
  reply: Record<string, number>;
  cast: { done: string };
  info: never;
};
const stats = via<StatsProtocol>(registry, 'stats');

const statsServer = genServer({
  init: (): Record<string, number> => ({}),
  handleCast: ({ done }: { done: string }, totals) => ({
    ...totals,
    [done]: (totals[done] ?? 0) + 1,
  }),
  handleCall: (_: 'totals', _from, totals) => ({ reply: totals, state: totals }),
});

/** Does a job every `every` ms or so; each job fails with probability `crashRate`. */
const worker = genServer({
  init: (config: { id: string; every: number; crashRate: number }, ctx) => {
    ctx.sendAfter(config.every * (0.5 + Math.random()), 'tick');
    return { ...config, jobs: 0 };
  },
  handleInfo: (_: 'tick', s, ctx) => {
    if (Math.random() < s.crashRate) throw new Error(`${s.id} failed job ${s.jobs + 1}`);
    cast(stats, { done: s.id }); // held while stats restarts, never lost
    ctx.sendAfter(s.every * (0.5 + Math.random()), 'tick');
    return { ...s, jobs: s.jobs + 1 };
  },
  // The writer flushes for 50 ms when stopped: its siblings' restart waits for it.
  terminate: (_reason, s) => (s.id === 'writer' ? timer(50) : undefined),
});

const job = (id: string, every: number, crashRate: number) =>
  child(id, () => worker.start({ id, every, crashRate }));

// ---- The tree ---------------------------------------------------------------------

const workers$ = of(job('w1', 250, 0.04), job('w2', 300, 0.04), job('w3', 350, 0.04)).pipe(
  oneForOne({
    registry,
    intensity: 5,
    period: 5000,
    backoff: { min: 100, max: 2000, jitter: 0.2 },
  }),
);
const pipeline$ = of(job('reader', 200, 0), job('parser', 250, 0.03), job('writer', 200, 0)).pipe(
  oneForAll({ registry, intensity: 5, period: 5000 }),
);
const tree$ = of(
  child('stats', () => statsServer.start()),
  child('workers', () => workers$),
  child('pipeline', () => pipeline$),
).pipe(oneForOne({ registry, intensity: 10, period: 10_000 }));

// ---- Showing it -------------------------------------------------------------------

interface Row {
  status: string;
  incarnation: number;
  restarts: number;
}
const rows = new Map<string, Row>(); // by path, in the order children first appear
const recent: string[] = [];
const t0 = Date.now();
const clock = () => `${((Date.now() - t0) / 1000).toFixed(2).padStart(6)}s`;

const row = (path: readonly string[]): Row => {
  for (let i = 1; i < path.length; i++) row(path.slice(0, i)); // a parent before its children
  const key = path.join('/');
  let r = rows.get(key);
  if (r === undefined) rows.set(key, (r = { status: 'starting', incarnation: 0, restarts: 0 }));
  return r;
};

/** An exit reason, short enough for one line. */
function reasonText(reason: ExitReason): string {
  if (reason.kind === 'error' && reason.error instanceof MaxRestartsExceededError) {
    const { childId, restarts, period } = reason.error;
    return `gave up: '${childId}' needed ${restarts} restarts within ${period} ms`;
  }
  return formatExit(reason);
}

function describe(n: SupervisorNotification): string | undefined {
  switch (n.kind) {
    case 'child-started':
      Object.assign(row(n.path), { status: 'up', incarnation: n.incarnation });
      return `started   #${n.incarnation}`;
    case 'child-exited':
      row(n.path).status = n.reason.kind === 'error' ? 'crashed' : 'down';
      return `${n.reason.kind === 'error' ? 'crashed' : 'exited '}   ${reasonText(n.reason)}`;
    case 'restart': {
      // `n.count` counts within the supervisor's current incarnation; the demo
      // keeps its own running total per child, siblings restarted with it included.
      const parent = n.path.slice(0, -1);
      for (const id of n.ids) row([...parent, id]).restarts++;
      const total = row(n.path).restarts;
      return n.ids.length > 1
        ? `restart   ${n.ids.join(', ')} together (restart ${total})`
        : `restart   (restart ${total})`;
    }
    case 'backoff':
      row(n.path).status = `backoff ${Math.round(n.delay)} ms`;
      return `backoff   ${Math.round(n.delay)} ms`;
    case 'give-up':
      return `give-up   ${reasonText({ kind: 'error', error: n.error })}`;
    case 'refused':
      return `refused   ${n.error.message}`;
    default:
      return undefined;
  }
}

function note(line: string): void {
  if (!live) return console.log(line);
  recent.push(line);
  if (recent.length > 8) recent.shift();
}

function show(n: SupervisorNotification): void {
  const what = n.kind === 'exit' ? `exit      ${reasonText(n.reason)}` : describe(n);
  const path = 'path' in n ? ['root', ...n.path].join('/') : 'root';
  if (what !== undefined) note(`${clock()}  ${path.padEnd(22)} ${what}`);
}

let drawn = 0;
function draw(): void {
  const keys = [...rows.keys()];
  const parentOf = (key: string) => key.slice(0, Math.max(0, key.lastIndexOf('/')));
  const isLast = (key: string) =>
    !keys.slice(keys.indexOf(key) + 1).some((k) => parentOf(k) === parentOf(key));
  const lines = [`rxotp demo ${clock()}   (Ctrl-C stops it)`, '', 'root'];
  for (const [key, r] of rows) {
    const path = key.split('/');
    let branch = '';
    for (let i = 1; i < path.length; i++)
      branch += isLast(path.slice(0, i).join('/')) ? '   ' : '│  ';
    branch += `${isLast(key) ? '└─' : '├─'} ${path[path.length - 1]!}`;
    lines.push(
      `${branch.padEnd(16)} ${r.status.padEnd(16)} #${r.incarnation}  restarts ${r.restarts}`,
    );
  }
  lines.push('', ...recent);
  process.stdout.write(`${drawn > 0 ? `\x1b[${drawn}A` : ''}\x1b[0J${lines.join('\n')}\n`);
  drawn = lines.length;
}

// ---- Running it -------------------------------------------------------------------

let root: Pid | undefined;
let stopping = false;
let watchdog: ReturnType<typeof setTimeout> | undefined;
const deadline = setTimeout(() => void shutdown(), seconds * 1000);
const redraw = live ? setInterval(draw, 100) : undefined;
note(`rxotp demo: a live supervision tree for ${seconds} s (Ctrl-C stops it sooner)`);

// Chaos: besides their own random failures, the parser and a random worker are
// killed in turn from outside, by name, with an error reason (so they restart).
const chaos = timer(400, 1200).subscribe((i) => {
  const victim = i % 2 === 0 ? 'parser' : `w${1 + Math.floor(Math.random() * 3)}`;
  stop(via(registry, victim), { kind: 'error', error: new Error(`${victim} killed by chaos`) });
});

const subscription = tree$.subscribe({
  next: (n) => {
    if (n.kind === 'started') root = n.pid;
    show(n);
  },
  complete: () => finish('stopped cleanly'),
});
process.on('SIGINT', () => void shutdown());

// A graceful stop: children stop in reverse start order, each `terminate` awaited,
// then the root's stream completes and `finish` runs. Should that ever take more
// than three seconds, unsubscribing cancels the whole tree at once.
async function shutdown(): Promise<void> {
  if (stopping) return; // Ctrl-C can arrive more than once (npm and tsx relay it)
  stopping = true;
  clearTimeout(deadline);
  chaos.unsubscribe();
  watchdog = setTimeout(() => {
    subscription.unsubscribe();
    finish('cancelled');
  }, 3000);
  const totals = await call(stats, 'totals').catch(() => ({}));
  note(`jobs done: ${JSON.stringify(totals)}`);
  note('stopping the tree...');
  if (root !== undefined) stop(root);
}

function finish(how: string): void {
  stopping = true;
  clearTimeout(deadline);
  clearTimeout(watchdog);
  chaos.unsubscribe();
  clearInterval(redraw);
  if (live) draw();
  const restarts = [...rows]
    .filter(([, r]) => r.restarts > 0)
    .map(([k, r]) => `${k} ${r.restarts}`);
  console.log(`\nrestarts: ${restarts.join(', ') || 'none'}\n${how}.`);
}
