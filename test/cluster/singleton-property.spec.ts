// A property of cluster singletons over 3 to 5 in-process nodes on one JetStream server: random
// joins, graceful leaves and kills (a node's connection closed under it: no goodbye, no lease
// released), each op either racing the next or awaited until the cluster has settled. Checked:
// the witness never sees two incarnations at once, and once the ops end the cluster converges
// to one incarnation that every live node reaches through the name. 200 runs in CI; more with
// `npm run fuzz:cluster` (FC_RUNS). docs/design.md, "Cluster singletons".
import fc from 'fast-check';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import { NoProcError, call, supervise } from '../../src/index.js';
import {
  NodeDownError,
  clusterSingleton,
  joinCluster,
  singletonVia,
  type ClusterNode,
} from '../../src/remote/index.js';
import { useJetStreamServer } from '../remote/nats-servers.js';
import { propertySettings } from '../property/settings.js';
import { overlaps, singletonSpec, type SingletonProtocol } from './singleton-fixture.js';

/** Small beats keep each run short; a node wrongly taken for lost only moves the singleton. */
const heartbeat = { interval: 25, missed: 8 };
const lease = { interval: 25, missed: 8 };

type Op =
  | { readonly op: 'join' }
  | { readonly op: 'leave'; readonly which: number; readonly settle: boolean }
  | { readonly op: 'kill'; readonly which: number; readonly settle: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ op: 'join' }),
  fc.record({ op: fc.constant('leave' as const), which: fc.nat(4), settle: fc.boolean() }),
  fc.record({ op: fc.constant('kill' as const), which: fc.nat(4), settle: fc.boolean() }),
);
const caseArb = fc.record({
  initial: fc.integer({ min: 3, max: 5 }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 6 }),
});

const server = useJetStreamServer();

interface Member {
  readonly node: ClusterNode;
  readonly nc: NatsConnection;
  readonly tree: Subscription;
}

let run = 0;

/**
 * Where the singleton runs, as `node` reaches it. A call sent to a lost owner before this node
 * knew it was lost rejects with NoProcError (no one listens there) or NodeDownError (lost while
 * it waited): at most once, as documented. It is made again once the name points elsewhere.
 */
async function where(node: ClusterNode): Promise<string> {
  for (;;) {
    const before = node.registry.whereis('s');
    try {
      return await call(singletonVia<SingletonProtocol>(node, 's'), 'where', { timeout: 60_000 });
    } catch (error) {
      if (!(error instanceof NoProcError || error instanceof NodeDownError)) throw error;
      await firstValueFrom(node.registry.whereis$('s').pipe(filter((pid) => pid !== before)));
    }
  }
}

/** One case: runs the ops and returns what went wrong, if anything. */
async function check(initial: number, ops: readonly Op[]): Promise<string[]> {
  const cluster = `sq${++run}`;
  const log: string[] = [];
  const admin = await connect({ servers: server().url });
  const kvm = new Kvm(admin);
  const bucket = await kvm.create(`${cluster}_leases`, { history: 1 });
  const live: Member[] = [];
  const gone: Member[] = [];
  let names = 0;
  const join = async (): Promise<void> => {
    const nc = await connect({ servers: server().url });
    const name = `n${names++}`;
    const node = await joinCluster({ connection: nc, name, cluster, heartbeat });
    const spec = clusterSingleton(
      node,
      singletonSpec('s', name, (l) => log.push(l)),
      {
        bucket,
        heartbeat: lease,
      },
    );
    live.push({ node, nc, tree: supervise([spec]).subscribe() });
  };
  /** Every live node reaches one incarnation through the name, and it runs on a live node. */
  const settled = async (): Promise<string> => {
    const answers = await Promise.all(live.map((m) => where(m.node)));
    const owners = new Set(answers);
    if (owners.size !== 1)
      throw new Error(`nodes disagree on the owner: ${[...owners].join(', ')}`);
    return answers[0]!;
  };
  try {
    for (let i = 0; i < initial; i++) await join();
    for (const op of ops) {
      if (op.op === 'join') {
        if (live.length < 5) await join();
        continue;
      }
      // The last live node stays: convergence needs somewhere to run.
      if (live.length <= 1) continue;
      const [member] = live.splice(op.which % live.length, 1);
      gone.push(member!);
      if (op.op === 'leave') await member!.node.close();
      else await member!.nc.close();
      if (op.settle) await settled();
    }
    const owner = await settled();
    const faults = overlaps(log);
    const up = log.filter((l) => l.startsWith('up ')).length;
    const down = log.filter((l) => l.startsWith('down ')).length;
    if (log.at(-1) !== `up ${owner}`) faults.push(`last seen ${log.at(-1)}, answered by ${owner}`);
    if (up !== down + 1) faults.push(`${up} starts and ${down} stops: not one incarnation left`);
    return faults.map((f) => `${f} in ${log.join(' | ')}`);
  } finally {
    for (const m of [...live, ...gone]) {
      m.tree.unsubscribe();
      await m.node.close().catch(() => undefined);
      if (!m.nc.isClosed()) await m.nc.close();
    }
    // Each run's buckets go with it: the server keeps no streams of past runs.
    await bucket.destroy().catch(() => undefined);
    await kvm
      .open(`${cluster}_names`)
      .then((names) => names.destroy())
      .catch(() => undefined);
    await admin.close();
  }
}

it('never two incarnations at once, and one that every live node reaches once the ops end', async () => {
  const { seed, path } = propertySettings(17);
  const numRuns = process.env.FC_RUNS === undefined ? 200 : Number(process.env.FC_RUNS);
  await fc.assert(
    fc.asyncProperty(caseArb, async ({ initial, ops }) => {
      expect(await check(initial, ops)).toEqual([]);
    }),
    { numRuns, seed, ...(path === undefined ? {} : { path }) },
  );
}, 3_600_000);
