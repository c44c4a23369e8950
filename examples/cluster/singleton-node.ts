// One of the three nodes of the singleton part of the cluster example, run as its own process
// by main.ts:
//
//   node --import tsx examples/cluster/singleton-node.ts <name> <nats url>
//
// Each node declares the same cluster singleton, 'clock': a counter that runs on exactly one
// node at a time. The node tells main.ts over IPC when the clock starts here ({ running }), and
// on 'ask' calls the clock by name and prints who answered ({ answered }). On 'stop' it leaves
// the cluster gracefully.
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { filter } from 'rxjs';
import { call, cast, child, genServer, published$, supervise, type ProtocolOf } from 'rxotp';
import { clusterSingleton, joinCluster, type SingletonEvent } from 'rxotp/remote';

const [name, url] = process.argv.slice(2);
const log = (line: string): void => console.log(`${name?.padEnd(5)} | ${line}`);

export type FromNode =
  'ready' | 'done' | { readonly running: string } | { readonly answered: string };
const tell = (message: FromNode): void => {
  process.send?.(message);
};

// The clock: counts ticks cast to it, and says where it runs. Its count starts again at each
// incarnation: a singleton's state is its own, kept nowhere else.
const clock = genServer({
  init: () => {
    log(`clock started here`);
    return { ticks: 0 };
  },
  handleCast: (_tick: 'tick', s) => ({ ticks: s.ticks + 1 }),
  handleCall: (_request: 'where', _from, s) => ({
    reply: `clock on node ${String(name)}, ${s.ticks} ticks since it started there`,
    state: s,
  }),
  terminate: () => log('clock stopped here'),
});
type Clock = ProtocolOf<typeof clock>;

async function main(): Promise<void> {
  if (name === undefined || url === undefined) {
    throw new Error('usage: singleton-node.ts <name> <nats url>');
  }
  const connection = await connect({ servers: url, name });
  // A node is taken for lost after 4 silent quarter-seconds; the lease beats the same.
  const node = await joinCluster({ connection, name, heartbeat: { interval: 250, missed: 4 } });
  const leases = await new Kvm(connection).create('rxotp_leases', { history: 1 });
  node.down$.subscribe((e) => log(`node '${e.node}' is lost (${e.why})`));

  const singleton = clusterSingleton<Clock>(
    node,
    child('clock', () => clock.start()),
    { bucket: leases, heartbeat: { interval: 250, missed: 4 } },
  );
  const tree = supervise([singleton]).subscribe((n) => {
    if (n.kind !== 'child-started') return;
    published$(n.pid)
      .pipe(filter((e) => (e as SingletonEvent).kind === 'running'))
      .subscribe(() => tell({ running: name }));
  });

  process.on('message', (message) => {
    if (message === 'ask') {
      // Through the name: held here while the clock moves, answered wherever it runs now.
      cast(singleton.address, 'tick');
      void call(singleton.address, 'where', { timeout: 30_000 }).then(
        (answer) => {
          log(`call(clock, 'where') -> ${answer}`);
          tell({ answered: answer });
        },
        (error: unknown) => log(`call(clock, 'where') failed: ${String(error)}`),
      );
    }
    if (message === 'stop') {
      void (async () => {
        await node.close(); // hands the clock over, if it runs here
        tree.unsubscribe();
        await connection.close();
        log('closed');
        tell('done');
        process.disconnect?.();
      })();
    }
  });
  process.once('disconnect', () => process.exit(0));
  log('joined the cluster, clock declared');
  tell('ready');
}

main().catch((error: unknown) => {
  console.error(`${name} | failed:`, error);
  process.exit(1);
});
