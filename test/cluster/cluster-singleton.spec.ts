// clusterSingleton on in-process nodes sharing one JetStream server: one owner among the nodes
// that declare it, handover on close, failover when a node vanishes, fencing when the owner is
// cut off from the bucket, and the name holding messages while the singleton moves.
// docs/design.md, "Cluster singletons".
import type { NatsConnection } from '@nats-io/transport-node';
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import {
  HoldOverflowError,
  NoProcError,
  call,
  cast,
  deadLetters$,
  published$,
  supervise,
  type DeadLetter,
  type Pid,
} from '../../src/index.js';
import {
  clusterSingleton,
  singletonVia,
  type ClusterNode,
  type SingletonEvent,
  type SingletonKv,
} from '../../src/remote/index.js';
import { useUnhandledErrors } from '../support.js';
import { useNatsCluster } from '../remote/cluster-fixture.js';
import {
  leaseBucket,
  overlaps,
  singletonSpec,
  type SingletonCall,
  type SingletonCast,
} from './singleton-fixture.js';

const { join, fresh, clusterName, connectNats } = useNatsCluster('sg');

/** Fast leases: the tests count in beats, never in ms. */
const beat = { interval: 50, missed: 4 };
type Proto = { call: SingletonCall; reply: unknown; cast: SingletonCast };

const trees: Subscription[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) tree.unsubscribe();
});

/** `count` nodes of a fresh cluster, each declaring singleton `s` under its own supervisor. */
async function declared(
  count: number,
  log: string[],
  options: { bucket?: (real: SingletonKv, i: number) => SingletonKv; ledger?: number[] } = {},
) {
  fresh();
  const nodes: ClusterNode[] = [];
  const ncs: NatsConnection[] = [];
  const wrappers: Promise<Pid>[] = [];
  const nc = await connectNats();
  const real = await leaseBucket(nc, clusterName());
  for (let i = 0; i < count; i++) {
    const [node, connection] = await join(`n${i}`);
    nodes.push(node);
    ncs.push(connection);
    const spec = clusterSingleton<Proto>(
      node,
      singletonSpec('s', node.name, (line) => log.push(line), options.ledger),
      { bucket: options.bucket?.(real, i) ?? real, heartbeat: beat },
    );
    const tree = supervise([spec], { intensity: 10 });
    let resolve!: (pid: Pid) => void;
    wrappers.push(new Promise((r) => (resolve = r)));
    trees.push(
      tree.subscribe((n) => {
        if (n.kind === 'child-started') resolve(n.pid);
      }),
    );
  }
  return { nodes, ncs, wrappers: await Promise.all(wrappers), bucket: real };
}

/** The node name the singleton answers with, through `node`'s address. */
const where = (node: ClusterNode): Promise<unknown> =>
  call(singletonVia<Proto>(node, 's'), 'where', { timeout: 20_000 });

/** Resolves once the wrapper `pid` publishes an event that passes `test`. */
const untilEvent = (pid: Pid, test: (e: SingletonEvent) => boolean): Promise<unknown> =>
  firstValueFrom(published$(pid).pipe(filter((e) => test(e as SingletonEvent))));

jest.setTimeout(30_000);

describe('clusterSingleton', () => {
  it('runs on exactly one of the nodes that declare it, and answers through the name from each', async () => {
    const log: string[] = [];
    const { nodes } = await declared(3, log);
    const answers = await Promise.all(nodes.map(where));
    expect(new Set(answers).size).toBe(1);
    expect(log).toEqual([`up ${String(answers[0])}`]);
  });

  it('hands over on close(): stopped on the old owner before it starts on another, with messages held in order', async () => {
    const log: string[] = [];
    const ledger: number[] = [];
    const { nodes } = await declared(3, log, { ledger });
    const owner = String(await where(nodes[0]!));
    const sender = nodes.find((n) => n.name !== owner)!;
    const address = singletonVia<Proto>(sender, 's');
    for (let i = 1; i <= 5; i++) cast(address, { mark: i });
    // Answered after the casts before it: they have all arrived (a cast still on the wire
    // when the owner stops is lost with it, at most once).
    await call(address, 'where', { timeout: 20_000 });
    await nodes.find((n) => n.name === owner)!.close();
    // Sent while the singleton moves: held on the sender's node.
    for (let i = 6; i <= 10; i++) cast(address, { mark: i });
    const next = String(await call(address, 'where', { timeout: 20_000 }));
    expect(next).not.toBe(owner);
    expect(ledger).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(log).toEqual([`up ${owner}`, `down ${owner}`, `up ${next}`]);
  });

  it('fails over when the owner vanishes without a goodbye (its connection closed)', async () => {
    const log: string[] = [];
    const ledger: number[] = [];
    const { nodes, ncs } = await declared(3, log, { ledger });
    const owner = String(await where(nodes[0]!));
    const index = nodes.findIndex((n) => n.name === owner);
    const sender = nodes[(index + 1) % 3]!;
    const address = singletonVia<Proto>(sender, 's');
    const lost = firstValueFrom(sender.down$);
    // No bye, and its lease is released nowhere: it lapses.
    await ncs[index]!.close();
    await lost;
    for (let i = 1; i <= 5; i++) cast(address, { mark: i });
    const next = String(await call(address, 'where', { timeout: 20_000 }));
    expect(next).not.toBe(owner);
    expect(ledger).toEqual([1, 2, 3, 4, 5]);
    expect(overlaps(log)).toEqual([]);
    expect(log.at(-1)).toBe(`up ${next}`);
  });
});
