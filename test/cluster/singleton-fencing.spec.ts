// Fencing: an owner cut off from the lease bucket stops its singleton before another node can
// take the lease, so the witness never sees two incarnations at once. The cut is a bucket whose
// writes fail (as when the JetStream leader is out of reach) while the node stays in the
// cluster. docs/design.md, "Cluster singletons".
import { firstValueFrom, filter, type Subscription } from 'rxjs';
import { call, published$, supervise, type Pid } from '../../src/index.js';
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
  type SingletonProtocol,
} from './singleton-fixture.js';

const unhandled = useUnhandledErrors();
const { join, fresh, clusterName, connectNats } = useNatsCluster('sf');
const beat = { interval: 100, missed: 6 };

jest.setTimeout(30_000);

const trees: Subscription[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) tree.unsubscribe();
});

/** A bucket whose writes fail while `cut.on` (a node cut off from JetStream). */
function cuttable(real: SingletonKv, cut: { on: boolean }): SingletonKv {
  const refuse = (): Promise<never> => Promise.reject(new Error('JetStream out of reach'));
  return {
    create: (key, value) => (cut.on ? refuse() : real.create(key, value)),
    update: (key, value, version) => (cut.on ? refuse() : real.update(key, value, version)),
    delete: (key, options) => (cut.on ? refuse() : real.delete(key, options)),
    watch: (options) => real.watch(options),
  };
}

it('an owner that cannot renew stops its singleton before another node starts it, and may own it again once healed', async () => {
  fresh();
  const nc = await connectNats();
  const real = await leaseBucket(nc, clusterName());
  const log: string[] = [];
  const cuts = [{ on: false }, { on: false }];
  const nodes: ClusterNode[] = [];
  const wrappers: Pid[] = [];
  for (let i = 0; i < 2; i++) {
    const [node] = await join(`n${i}`);
    nodes.push(node);
    const spec = clusterSingleton(
      node,
      singletonSpec('s', node.name, (l) => log.push(l)),
      {
        bucket: cuttable(real, cuts[i]!),
        heartbeat: beat,
      },
    );
    trees.push(
      supervise([spec]).subscribe((n) => {
        if (n.kind === 'child-started') wrappers.push(n.pid);
      }),
    );
  }
  const where = (node: ClusterNode): Promise<unknown> =>
    call(singletonVia<SingletonProtocol>(node, 's'), 'where', {
      timeout: 20_000,
    });
  const owner = String(await where(nodes[1]!));
  const o = nodes.findIndex((n) => n.name === owner);
  const other = nodes[1 - o]!;
  const events = (i: number, kind: SingletonEvent['kind']): Promise<unknown> =>
    firstValueFrom(
      published$(wrappers[i]!).pipe(filter((e) => (e as SingletonEvent).kind === kind)),
    );
  const fenced = events(o, 'fenced');
  const moved = events(1 - o, 'running');
  cuts[o]!.on = true;
  await fenced;
  await moved;
  expect(String(await where(other))).toBe(other.name);
  // The witness: the cut-off owner's incarnation ended before the next one began.
  expect(log).toEqual([`up ${owner}`, `down ${owner}`, `up ${other.name}`]);
  expect(overlaps(log)).toEqual([]);
  // The failed renewal is reported once, naming the singleton.
  expect(unhandled()).toHaveBeenCalledTimes(1);
  expect(String(unhandled().mock.calls[0]![0])).toContain('JetStream out of reach');
  // Healed, the old owner contends again, and takes over when the new owner leaves.
  cuts[o]!.on = false;
  const back = events(o, 'running');
  await other.close();
  await back;
  expect(String(await where(nodes[o]!))).toBe(owner);
  expect(overlaps(log)).toEqual([]);
});
