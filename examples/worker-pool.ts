// A worker pool with dynamic children: the supervisor's source is a Subject, so
// workers are added while it runs. Jobs go to workers by name through the
// registry: `cast` for fire-and-forget, `call` when the answer matters. A
// poisoned job crashes its worker; the caller's promise rejects at once, the
// supervisor restarts the worker, and the next job to that name is served.
//
//   npx tsx examples/worker-pool.ts
import { Subject } from 'rxjs';
import {
  ActorExitError,
  Registry,
  call,
  cast,
  child,
  countChildren,
  deleteChild,
  formatExit,
  genServer,
  oneForOne,
  stop,
  terminateChild,
  via,
  whichChildren,
  type ChildSpec,
  type Pid,
} from 'rxotp';

type Job = { sqrt: number } | 'jobs done';
type WorkerProtocol = { call: Job; reply: number; cast: { log: string }; info: never };

const worker = genServer({
  init: (name: string) => ({ name, done: 0 }),
  handleCall: (job: Job, _from, s) => {
    if (job === 'jobs done') return { reply: s.done, state: s };
    if (job.sqrt < 0) throw new Error(`${s.name}: no square root of ${job.sqrt}`);
    return { reply: Math.sqrt(job.sqrt), state: { ...s, done: s.done + 1 } };
  },
  handleCast: (message: { log: string }, s) => {
    console.log(`  ${s.name} logs: ${message.log}`);
    return s;
  },
});

async function main(): Promise<void> {
  const registry = new Registry();
  const specs = new Subject<ChildSpec>();
  const workers: string[] = [];
  const addWorker = (name: string) => {
    workers.push(name);
    specs.next(child(name, () => worker.start(name)));
  };
  const at = (name: string) => via<WorkerProtocol>(registry, name);
  const dispatch = (job: { sqrt: number }, i: number) =>
    call(at(workers[i % workers.length]!), job);

  // The pool: a supervisor whose children arrive on `specs`.
  let pool: Pid | undefined;
  const stopped = new Promise<void>((resolve) =>
    specs.pipe(oneForOne({ registry })).subscribe({
      next: (n) => {
        if (n.kind === 'started') pool = n.pid;
        if (n.kind === 'child-exited' && n.reason.kind === 'error')
          console.log(`  ${n.path.join('/')} crashed: ${formatExit(n.reason)}; restarting it`);
      },
      complete: resolve,
    }),
  );
  if (pool === undefined) throw new Error('the pool did not start');

  for (const name of ['w0', 'w1', 'w2']) addWorker(name);
  for (const name of workers) cast(at(name), { log: 'ready' });

  // Six jobs, round robin; the third is poisoned and crashes w2.
  const results = await Promise.allSettled(
    [16, 25, -1, 36, 49, 64].map((n, i) => dispatch({ sqrt: n }, i)),
  );
  for (const r of results) {
    if (r.status === 'fulfilled') console.log(`answer: ${r.value}`);
    else if (r.reason instanceof ActorExitError)
      console.log(`failed: ${formatExit(r.reason.reason)}`);
  }

  // Grow the pool while it runs, then ask each worker how many jobs it did.
  addWorker('w3');
  await Promise.all([81, 100, 121, 144].map((n, i) => dispatch({ sqrt: n }, i)));
  for (const name of workers) {
    console.log(`${name}: ${await call(at(name), 'jobs done')} jobs done`);
  }
  for (const c of await whichChildren(pool)) {
    console.log(`${c.id}: ${c.status}, ${c.restarts} restarts, incarnation ${c.incarnation}`);
  }

  // Shrink it again, then stop the pool.
  await terminateChild(pool, 'w3');
  await deleteChild(pool, 'w3');
  workers.pop();
  console.log('children:', await countChildren(pool));
  stop(pool);
  await stopped;
  console.log('pool stopped');
}

void main();
