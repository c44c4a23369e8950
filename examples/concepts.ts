// The README's concept snippets, compiled and run: npx tsx examples/concepts.ts
import { interval, map, of, take } from 'rxjs';
import {
  MaxRestartsExceededError,
  Registry,
  call,
  cast,
  child,
  deadLetters$,
  formatExit,
  genServer,
  oneForOne,
  published$,
  send,
  spawn,
  state$,
  stop,
  typedName,
  via,
  whichChildren,
  type CallRef,
  type ExitReason,
  type Pid,
  type ProtocolOf,
  type SupervisorNotification,
  type SupervisorOptions,
} from 'rxotp';

// ---- Exit reasons -------------------------------------------------------------------

const crash: ExitReason = { kind: 'error', error: new Error('boom') };
console.log(formatExit(crash)); // error: Error: boom

// ---- genServer callbacks --------------------------------------------------------------

// Collects items; `flush` is answered at the next tick (a deferred reply).
interface BatcherState {
  readonly every: number;
  readonly items: string[];
  readonly waiting: CallRef<string[]>[];
}

const batcher = genServer({
  init: (every: number, ctx): BatcherState => {
    ctx.sendAfter(every, 'tick');
    return { every, items: [], waiting: [] };
  },
  handleCast: (item: string, s) => ({ ...s, items: [...s.items, item] }),
  handleCall: (_: 'flush', from, s) => ({
    noreply: true,
    state: { ...s, waiting: [...s.waiting, from] },
  }),
  handleInfo: (_: 'tick', s, ctx) => {
    for (const from of s.waiting) ctx.reply(from, s.items);
    ctx.sendAfter(s.every, 'tick');
    return s.waiting.length > 0 ? { ...s, items: [], waiting: [] } : s;
  },
  terminate: (reason, s) => console.log(`batcher ${formatExit(reason)}, ${s.items.length} unsent`),
});

// ---- Supervisor options ---------------------------------------------------------------

const options: SupervisorOptions = {
  intensity: 3, // more than 3 restarts...
  period: 5000, // ...within 5 s, and the supervisor gives up
  backoff: { min: 100, max: 10_000, factor: 2, jitter: 0.2 }, // or (childId, k) => ms
};

// ---- Events -----------------------------------------------------------------------------

function logEvent(n: SupervisorNotification): void {
  switch (n.kind) {
    case 'child-exited':
      return console.log(`${n.path.join('/')} #${n.incarnation}: ${formatExit(n.reason)}`);
    case 'restart':
      return console.log(`restart ${n.ids.join(', ')}; ${n.path.join('/')} has ${n.count}`);
    case 'backoff':
      return console.log(`${n.path.join('/')} waits ${Math.round(n.delay)} ms`);
    case 'exit':
      if (n.reason.kind === 'error' && n.reason.error instanceof MaxRestartsExceededError) {
        return console.log(`gave up on ${n.reason.error.childId}`);
      }
  }
}

// ---- Registry, via, held messages, dead letters ---------------------------------------------

async function main(): Promise<void> {
  const letters = deadLetters$.subscribe((d) =>
    console.log(`dead letter: ${d.kind} to ${String(d.target)} (${formatExit(d.reason)})`),
  );

  const registry = new Registry();
  const watch = registry
    .whereis$('batcher')
    .subscribe((pid) => console.log(`batcher: ${String(pid)}`));
  // A plain Observable child's values, by name, across its restarts.
  const prices = published$(via(registry, typedName<{ published: number }>('prices'))).subscribe(
    (p) => console.log(`price ${p}`),
  );

  const tree$ = of(
    child('batcher', () => batcher.start(50), { restart: 'permanent', shutdown: 1000 }),
    child('prices', () =>
      interval(20).pipe(
        map((i) => 100 + i),
        take(3),
      ),
    ),
  ).pipe(oneForOne({ ...options, registry }));
  let sup: Pid | undefined;
  const subscription = tree$.subscribe((n) => {
    if (n.kind === 'started') sup = n.pid;
    logEvent(n);
  });
  if (sup === undefined) throw new Error('the tree did not start');

  // The name, declared once with the batcher's protocol: everything through it is checked.
  const batcherName = typedName<ProtocolOf<typeof batcher>>('batcher');
  const b = via(registry, batcherName);
  cast(b, 'a');
  stop(b, crash); // crash it from outside: it is restarted after a backoff...
  cast(b, 'b'); // ...and what is sent by name meanwhile is held, then delivered
  console.log(`flushed: ${JSON.stringify(await call(b, 'flush'))}`); // ["b"]: a new incarnation
  // The state of whichever incarnation holds the name, followed across restarts.
  const items = state$(via(registry, batcherName)).subscribe((s) =>
    console.log(`batcher holds ${s.items.length} items`),
  );
  for (const c of await whichChildren(sup)) {
    console.log(`${c.id}: ${c.status}, ${c.restarts} restarts`);
  }

  // Messages that reach no actor are dead letters, never silently lost.
  const pid = spawn(batcher, 1000);
  stop(pid);
  send(pid, 'tick');

  subscription.unsubscribe(); // the tree stops; terminate runs with `cancelled`
  for (const s of [items, prices, watch, letters]) s.unsubscribe();
}

void main();
