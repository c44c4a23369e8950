// Random joins, leaves and kills over 3 to 5 in-process nodes on a real
// JetStream nats-server (docs/design.md, "Sharded entities"). Throughout, a
// witness outside the regions checks that no id is ever started while an
// activation of it is live; once membership has settled, every live region
// agrees on the owner of every id, each id runs exactly once, on that owner,
// and the bucket's key names it. Real time: the gaps and the wait for a kill
// to be noticed are real, and nothing asserts how long anything took.
import fc from 'fast-check';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { call, cast, genServer } from '../../src/index.js';
import {
  entities,
  entity,
  joinCluster,
  type ClusterNode,
  type EntityRegion,
} from '../../src/remote/index.js';
import { propertySettings } from '../property/settings.js';
import { until, useUnhandledErrors } from '../support.js';
import { useJetStreamServer } from '../remote/nats-servers.js';

const unhandled = useUnhandledErrors();
/** A kill is noticed after 8 silent heartbeats of 100 ms; a loaded machine keeps live nodes. */
const heartbeat = { interval: 100, missed: 8 };
const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

type Op =
  | { readonly kind: 'join' }
  | { readonly kind: 'leave'; readonly pick: number }
  | { readonly kind: 'kill'; readonly pick: number }
  | { readonly kind: 'send'; readonly pick: number; readonly ids: readonly number[] };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Op>({ kind: 'join' }) },
  { weight: 2, arbitrary: fc.nat(9).map<Op>((pick) => ({ kind: 'leave', pick })) },
  { weight: 1, arbitrary: fc.nat(9).map<Op>((pick) => ({ kind: 'kill', pick })) },
  {
    weight: 4,
    arbitrary: fc
      .record({
        pick: fc.nat(9),
        ids: fc.array(fc.nat(IDS.length - 1), { minLength: 1, maxLength: 4 }),
      })
      .map<Op>((s) => ({ kind: 'send', ...s })),
  },
);
const caseArb = fc.record({
  start: fc.integer({ min: 3, max: 5 }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 6 }),
});

interface Member {
  readonly name: string;
  readonly nc: NatsConnection;
  readonly node: ClusterNode;
  readonly region: EntityRegion<{ call: 'get'; reply: number; cast: 'inc'; info: never }>;
}

const server = useJetStreamServer();

let run = 0;

async function play(c: { start: number; ops: readonly Op[] }): Promise<void> {
  const cluster = `prop${process.pid}_${++run}`;
  const live = new Map<string, string>();
  const overlaps: string[] = [];
  const checker = await connect({ servers: server().url });
  const kv: KV = await new Kvm(checker).create(`${cluster}_entities`, { history: 1 });
  const members: Member[] = [];
  const all: Member[] = [];
  let next = 0;
  const counter = (name: string) =>
    genServer({
      init: (id: string) => {
        const holder = live.get(id);
        if (holder !== undefined) overlaps.push(`${id} started on ${name} while live on ${holder}`);
        live.set(id, name);
        return { id, n: 0 };
      },
      handleCall: (_: 'get', _from, s: { id: string; n: number }) => ({ reply: s.n, state: s }),
      handleCast: (_: 'inc', s: { id: string; n: number }) => ({ ...s, n: s.n + 1 }),
      terminate: (_r, s: { id: string; n: number }) => {
        if (live.get(s.id) === name) live.delete(s.id);
      },
    });
  const join = async (): Promise<void> => {
    const name = `n${next++}`;
    const nc = await connect({ servers: server().url });
    const node = await joinCluster({ connection: nc, name, cluster, heartbeat });
    const region = await entities(node, 'counter', counter(name), { bucket: kv, shards: 16 });
    const member = { name, nc, node, region };
    members.push(member);
    all.push(member);
    // Joined once every live region counts it (before that, a kill of it is a kill of a stranger).
    await settled(`${name} is known`);
  };
  /** Waits until every live region lists exactly the live members. */
  const settled = (what: string): Promise<void> => {
    const names = members
      .map((m) => m.name)
      .sort()
      .join();
    return until(() => members.every((m) => m.region.members().join() === names), what);
  };
  const at = (pick: number): Member | undefined =>
    members.length <= 1 ? undefined : members.splice(pick % members.length, 1)[0];
  try {
    for (let i = 0; i < c.start; i++) await join();
    for (const op of c.ops) {
      switch (op.kind) {
        case 'join':
          if (members.length < 5) await join();
          break;
        case 'leave': {
          const m = at(op.pick);
          if (m === undefined) break;
          await m.region.close();
          await m.node.close();
          await m.nc.close();
          break;
        }
        case 'kill': {
          const m = at(op.pick);
          if (m === undefined) break;
          // No goodbye: the connection goes first, then the node's actors.
          await m.nc.close();
          await m.region.close();
          break;
        }
        case 'send': {
          const from = members[op.pick % members.length]!;
          for (const id of op.ids) cast(entity(from.region, IDS[id]!), 'inc');
          break;
        }
      }
    }
    await settled('members settle');
    const from = members[0]!;
    for (const id of IDS) await call(entity(from.region, id), 'get', { timeout: 20_000 });
    // Convergence: all agree on each owner, and it runs there, once, with its key.
    for (const id of IDS) {
      const owners = new Set(members.map((m) => m.region.owner(id)));
      expect(owners.size).toBe(1);
      const [owner] = [...owners];
      await until(() => live.get(id) === owner, `${id} live on its owner ${owner}`);
      const entry = await kv.get(`e/counter/${id}`);
      expect(entry?.operation).toBe('PUT');
      expect(JSON.parse(new TextDecoder().decode(entry!.value))).toMatchObject({ node: owner });
    }
    expect(overlaps).toEqual([]);
    expect(unhandled()).not.toHaveBeenCalled();
  } finally {
    for (const m of members) {
      await m.region.close();
      await m.node.close();
      await m.nc.close();
    }
    for (const m of all) if (!m.nc.isClosed()) await m.nc.close();
    await kv.destroy().catch(() => undefined);
    await checker.close();
  }
}

/** 200 in CI; `npm run fuzz:cluster` runs 2,000 (FC_RUNS). */
const numRuns = Number(process.env.FC_RUNS ?? 200);
/** A case that hangs fails the run rather than the CI job's clock: 4.5 s a case on average. */
const timeLimit = numRuns * 4_500;

describe('entities: random joins, leaves and kills', () => {
  test(
    'never two activations of an id; ownership converges on the live members',
    async () => {
      const { seed, path } = propertySettings(47);
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          unhandled().mockClear();
          await play(c);
        }),
        {
          numRuns,
          seed,
          ...(path === undefined ? {} : { path }),
          interruptAfterTimeLimit: timeLimit,
          markInterruptAsFailure: true,
        },
      );
    },
    timeLimit + 100_000,
  );
});
