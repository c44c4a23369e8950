// Cluster-wide process groups over a real JetStream nats-server
// (docs/design.md, "Process groups"): a member joined on one node is seen on
// every node, and leaves everywhere when it leaves, exits, or its node is lost.
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { config, firstValueFrom, interval, map } from 'rxjs';
import {
  broadcast,
  genServer,
  join,
  leave,
  members$,
  reports$,
  spawn,
  stop,
  type Pid,
} from '../../src/index.js';
import {
  NodeDownError,
  clusterGroups,
  type ClusterGroups,
  type ClusterNode,
} from '../../src/remote/index.js';
import { until, useNatsCluster } from './cluster-fixture.js';

const { cluster, join: joinNode, clusterName } = useNatsCluster('g');

/** Pushes each info message into the array it was started with. */
const inbox = genServer({
  init: (into: unknown[]) => into,
  handleInfo: (msg: unknown, into) => (into.push(msg), into),
});

const opened: ClusterGroups[] = [];
afterEach(async () => {
  for (const groups of opened.splice(0)) await groups.close().catch(() => undefined);
});

async function groupsOf(node: ClusterNode, nc: NatsConnection): Promise<ClusterGroups> {
  const groups = await clusterGroups(node, { connection: nc, cluster: clusterName() });
  opened.push(groups);
  return groups;
}

/** The members of `group` on `groups` once `test` holds for them. */
const membersWhen = (
  groups: ClusterGroups,
  group: string,
  test: (pids: readonly Pid[]) => boolean,
): Promise<readonly Pid[]> => until(members$(group, groups.scope), test);

describe('clusterGroups', () => {
  test('a pid joined on one node is a member on every node, and broadcast there reaches it', async () => {
    const { nodes, ncs } = await cluster(3);
    const [g0, g1, g2] = await Promise.all(nodes.map((node, i) => groupsOf(node, ncs[i]!)));
    const got: unknown[] = [];
    const local = spawn(inbox, got);
    expect(join('workers', local, g0!.scope)).toBe(true);
    for (const groups of [g1!, g2!]) {
      const [remote] = await membersWhen(groups, 'workers', (p) => p.length === 1);
      expect(remote!.node).toBe('n0');
      expect(remote!.id).toBe(local.id);
    }
    expect(broadcast('workers', 'hello from n1', g1!.scope)).toBe(1);
    await until(interval(5).pipe(map(() => got.length)), (n) => n === 1);
    expect(got).toEqual(['hello from n1']);
    stop(local);
  }, 30_000);

  test('members of several nodes are listed together; leave and exit take them out everywhere', async () => {
    const { nodes, ncs } = await cluster(2);
    const [g0, g1] = await Promise.all(nodes.map((node, i) => groupsOf(node, ncs[i]!)));
    const a = spawn(inbox, []);
    const b = spawn(inbox, []);
    join('g', a, g0!.scope);
    join('g', b, g1!.scope);
    await membersWhen(g0!, 'g', (p) => p.length === 2);
    await membersWhen(g1!, 'g', (p) => p.length === 2);
    leave('g', a, g0!.scope);
    const afterLeave = await membersWhen(g1!, 'g', (p) => p.length === 1);
    expect(afterLeave).toEqual([b]);
    stop(b, { kind: 'error', error: new Error('crash') });
    await membersWhen(g0!, 'g', (p) => p.length === 0);
  }, 30_000);

  test("a lost node's members leave on every other node, and a node joining later does not see them", async () => {
    const { nodes, ncs } = await cluster(3, { interval: 100, missed: 5 });
    const [g0, g1, g2] = await Promise.all(nodes.map((node, i) => groupsOf(node, ncs[i]!)));
    join('g', spawn(inbox, []), g0!.scope);
    const [onN1] = await membersWhen(g1!, 'g', (p) => p.length === 1);
    await membersWhen(g2!, 'g', (p) => p.length === 1);
    await ncs[0]!.close();
    const reason = await firstValueFrom(onN1!.exit$);
    expect(reason.kind === 'error' && reason.error instanceof NodeDownError).toBe(true);
    await membersWhen(g1!, 'g', (p) => p.length === 0);
    await membersWhen(g2!, 'g', (p) => p.length === 0);
    // The survivors deleted its key: a node joining now starts with an empty group.
    const [late, lateNc] = await joinNode('late');
    const gLate = await groupsOf(late, lateNc);
    expect(await firstValueFrom(members$('g', gLate.scope))).toEqual([]);
  }, 30_000);

  test('a key that is not a membership is dropped and reported; the groups go on', async () => {
    const { nodes, ncs } = await cluster(2);
    const [g0, g1] = await Promise.all(nodes.map((node, i) => groupsOf(node, ncs[i]!)));
    const reports: unknown[] = [];
    const subscription = reports$.subscribe((r) => reports.push(r));
    const unhandled = config.onUnhandledError;
    config.onUnhandledError = () => undefined;
    try {
      const bucket = await new Kvm(ncs[0]!).open(`${clusterName()}_groups`);
      await bucket.put('not-a-membership', new Uint8Array([1]));
      join('g', spawn(inbox, []), g0!.scope);
      await membersWhen(g1!, 'g', (p) => p.length === 1);
      expect(reports).toContainEqual(
        expect.objectContaining({ kind: 'remote', node: 'n1', operation: 'group watch' }),
      );
    } finally {
      config.onUnhandledError = unhandled;
      subscription.unsubscribe();
    }
  }, 30_000);

  test('only pids of this node may join a cluster scope', async () => {
    const { nodes, ncs } = await cluster(2);
    const [g0, g1] = await Promise.all(nodes.map((node, i) => groupsOf(node, ncs[i]!)));
    join('g', spawn(inbox, []), g0!.scope);
    const [remote] = await membersWhen(g1!, 'g', (p) => p.length === 1);
    expect(() => join('other', remote!, g1!.scope)).toThrow(RangeError);
    expect(() => join('other', remote!, g1!.scope)).toThrow(/takes pids of this node only/);
  }, 30_000);

  test('bad input throws at once: a node not from joinCluster, options without a connection or bucket', async () => {
    const { nodes } = await cluster(1);
    expect(() => clusterGroups({} as ClusterNode, { bucket: undefined })).toThrow(
      'clusterGroups: node must be a node from joinCluster(), got Object.',
    );
    expect(() => clusterGroups(nodes[0]!, {})).toThrow(
      /^clusterGroups: options must be \{ connection \} or \{ bucket \}/,
    );
    expect(() => clusterGroups(nodes[0]!, { bucket: 42 as never })).toThrow(
      'clusterGroups: options.bucket must be a KV bucket from @nats-io/kv (create, delete, watch, status), got 42.',
    );
  }, 30_000);
});
