// One of the three member nodes of the second part of the cluster example, run as its own
// process by main.ts:
//
//   node --import tsx examples/cluster/member-node.ts <name> <nats url>
//
// Each node declares the same cluster singleton, 'clock': a counter that runs on exactly one
// node at a time. Each node also runs the entity region 'page': one counter of visits per page
// id, each on the node that owns its shard. The node tells main.ts over IPC when the clock
// starts here ({ running }); on 'ask' it calls the clock by name and says who answered
// ({ answered }); on { visit } it visits pages through entity(region, id) and says where each
// answered from ({ visited }). On 'stop' it leaves the cluster gracefully.
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { filter } from 'rxjs';
import { call, cast, child, genServer, published$, supervise, type ProtocolOf } from 'rxotp';
import { clusterSingleton, entities, entity, joinCluster, type SingletonEvent } from 'rxotp/remote';

const [name, url] = process.argv.slice(2);
const log = (line: string): void => console.log(`${name?.padEnd(5)} | ${line}`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Where a page answered from, and its visits counted there. */
export interface Visited {
  readonly id: string;
  readonly node: string;
  readonly visits: number;
}
export type FromNode =
  | 'ready'
  | 'done'
  | { readonly running: string }
  | { readonly answered: string }
  | { readonly visited: readonly Visited[] };
/** From main.ts: visit these pages once the node sees `members` nodes running pages. */
export interface Visit {
  readonly visit: readonly string[];
  readonly members: number;
}
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

// A page: an entity, started with its id on the node that owns its shard, on its first message.
// Its visits count from 0 again when it starts elsewhere, as the clock's ticks do.
const page = genServer({
  init: (id: string) => {
    log(`page '${id}' started here`);
    return { id, visits: 0 };
  },
  handleCast: (_visit: 'visit', s) => ({ ...s, visits: s.visits + 1 }),
  handleCall: (_request: 'where', _from, s) => ({
    reply: { id: s.id, node: String(name), visits: s.visits },
    state: s,
  }),
});

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
  // The same bucket on every node: each page's live activation holds its key there.
  const bucket = await new Kvm(connection).create('rxotp_entities', { history: 1 });
  const pages = await entities(node, 'page', page, { bucket });

  /** Visits each page once, in order, and says where each answered from. */
  const visit = async ({ visit: ids, members }: Visit) => {
    // A lost node's pages go to new owners once this node's view has dropped it.
    while (pages.members().length !== members) await sleep(50);
    const visited: Visited[] = [];
    for (const id of ids) {
      cast(entity(pages, id), 'visit');
      visited.push(await call(entity(pages, id), 'where', { timeout: 30_000 }));
    }
    tell({ visited });
  };

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
    if (typeof message === 'object' && message !== null && 'visit' in message) {
      void visit(message as Visit).catch((error: unknown) => {
        console.error(`${name} | visiting pages failed:`, error);
        process.exit(1);
      });
    }
    if (message === 'stop') {
      void (async () => {
        await node.close(); // hands the clock over, if it runs here, and stops its pages
        tree.unsubscribe();
        await connection.close();
        log('closed');
        tell('done');
        process.disconnect?.();
      })();
    }
  });
  process.once('disconnect', () => process.exit(0));
  log(`joined the cluster, clock declared, pages hosted`);
  tell('ready');
}

main().catch((error: unknown) => {
  console.error(`${name} | failed:`, error);
  process.exit(1);
});
