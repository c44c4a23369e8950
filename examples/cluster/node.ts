// One node of the cluster example, run as its own process by main.ts:
//
//   node --import tsx examples/cluster/node.ts <work|front> <nats url>
//
// "work" runs a supervisor whose child 'worker' is registered in the cluster
// registry. "front" reaches it by name from the other process, asks it to
// crash, and keeps calling it across the restart. Each node talks to main.ts
// over the IPC channel: it sends 'ready' or 'done', and "work" waits for 'stop'.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { filter, firstValueFrom, skip, timeout } from 'rxjs';
import {
  ActorExitError,
  call,
  child,
  formatExit,
  genServer,
  stop,
  supervise,
  via,
  type CallResult,
  type Pid,
  type ProtocolOf,
} from 'rxotp';
import { joinCluster, type ClusterNode } from 'rxotp/remote';

const [role, url] = process.argv.slice(2);

const log = (line: string): void => console.log(`${role?.padEnd(5)} | ${line}`);

/** Tells main.ts how far this node got. */
const tell = (message: 'ready' | 'done'): void => {
  process.send?.(message);
};

// The worker: counts the pings it served; a 'crash' call makes it crash. Its
// reply type is written out, as TypeScript infers none for a handler using `ctx`.
const worker = genServer({
  init: () => ({ served: 0 }),
  handleCall: (
    request: 'ping' | 'crash',
    _from,
    s,
    ctx,
  ): CallResult<string, { served: number }> => {
    if (request === 'crash') throw new Error('asked to crash');
    const served = s.served + 1;
    return { reply: `pong #${served} from ${String(ctx.self)} on node work`, state: { served } };
  },
});
type Worker = ProtocolOf<typeof worker>;

/** Runs the worker under a local supervisor, registered cluster-wide, until main.ts says stop. */
async function work(node: ClusterNode): Promise<void> {
  node.down$.subscribe((e) => log(`node '${e.node}' left the cluster (${e.why})`));
  // Stop when main.ts says so, or when it has gone (its IPC channel closed).
  const stopRequested = new Promise<void>((resolve) => {
    process.on('message', (m) => m === 'stop' && resolve());
    process.once('disconnect', resolve);
  });

  let supervisor: Pid | undefined;
  const exited = new Promise<void>((resolve) =>
    // Supervision stays local; only the child's name is cluster-wide.
    supervise([child('worker', () => worker.start())], {
      registry: node.registry,
    }).subscribe((n) => {
      if (n.kind === 'started') supervisor = n.pid;
      if (n.kind === 'child-started') {
        log(`supervisor: worker started as ${String(n.pid)} (incarnation ${n.incarnation})`);
        if (n.incarnation === 1) tell('ready');
      }
      if (n.kind === 'child-exited') log(`supervisor: worker exited: ${formatExit(n.reason)}`);
      if (n.kind === 'restart') log(`supervisor: restarting ${n.ids.join(', ')} (${n.count})`);
      if (n.kind === 'exit') {
        log(`supervisor exited: ${formatExit(n.reason)}`);
        resolve();
      }
    }),
  );

  await stopRequested;
  if (supervisor !== undefined) stop(supervisor);
  await exited;
}

/** Calls the worker on the other node by name, before and after it crashes. */
async function front(node: ClusterNode): Promise<void> {
  const { registry } = node;
  const named = via<Worker>(registry, 'worker');
  const ping = async () => log(`call(via 'worker', 'ping') -> ${await call(named, 'ping')}`);

  // The name reaches this node's copy of the registry shortly after it was registered.
  const first = await firstValueFrom(
    registry.whereis$('worker').pipe(
      filter((pid) => pid !== undefined),
      timeout(5000),
    ),
  );
  log(`whereis('worker') = ${String(first)}`);
  const changes = registry
    .whereis$('worker')
    .pipe(skip(1))
    .subscribe((pid) =>
      log(`whereis('worker') is now ${pid === undefined ? 'undefined (restarting)' : String(pid)}`),
    );

  for (let i = 0; i < 3; i++) await ping();

  log(`call(via 'worker', 'crash') ...`);
  await call(named, 'crash').then(
    () => {
      throw new Error('the crash call was answered');
    },
    (e: unknown) => {
      if (!(e instanceof ActorExitError)) throw e;
      log(`  rejected with ActorExitError: ${formatExit(e.reason)}`);
    },
  );

  // Sent through the name at once, perhaps before the restart is known here:
  // the name holds it for the next incarnation, which answers.
  await ping();
  // The name follows the new incarnation here too.
  const second = await firstValueFrom(
    registry.whereis$('worker').pipe(
      filter((pid) => pid !== undefined && pid !== first),
      timeout(5000),
    ),
  );
  for (let i = 0; i < 2; i++) await ping();
  changes.unsubscribe();
  log(`the same name, a new pid: ${String(first)} -> ${String(second)}`);
}

async function main(): Promise<void> {
  if ((role !== 'work' && role !== 'front') || url === undefined) {
    throw new Error('usage: node.ts <work|front> <nats url>');
  }
  const connection: NatsConnection = await connect({ servers: url, name: role });
  // Generous heartbeats: a node is taken for lost after 6 silent half-seconds.
  const node = await joinCluster({
    connection,
    name: role,
    heartbeat: { interval: 500, missed: 6 },
  });
  log(`joined the cluster`);
  if (role === 'work') await work(node);
  else await front(node);
  await node.close(); // says goodbye and takes this node's names out of the bucket
  await connection.close();
  log('closed');
  tell('done');
  process.disconnect?.();
}

main().catch((error: unknown) => {
  console.error(`${role} | failed:`, error);
  process.exit(1); // the connection and timers may still be open
});
