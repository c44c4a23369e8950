// Sharded entities over real nats-server with JetStream, nodes in this process
// (docs/design.md, "Sharded entities"): activation on first message, on the
// shard's owner; passivation; restart under local supervision; handoff when a
// node joins or leaves; bad input.
import { Kvm } from '@nats-io/kv';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import {
  ActorExitError,
  HoldOverflowError,
  MaxRestartsExceededError,
  NoProcError,
  call,
  cast,
  deadLetters$,
  genServer,
  send,
  type DeadLetter,
  type Pid,
} from '../../src/index.js';
import { entities, entity, type EntityKv, type EntityRegion } from '../../src/remote/index.js';
import type { ClusterNode } from '../../src/remote/index.js';
import { useNatsCluster } from '../remote/cluster-fixture.js';
import { useUnhandledErrors } from '../support.js';

const { cluster, clusterName, connectNats, join } = useNatsCluster('ent');

/** Where every activation says where it runs: a witness outside the nodes' regions. */
const started: { id: string; node: string }[] = [];
/** Regions made by a test, closed after it (before the fixture closes the nodes). */
const made: EntityRegion[] = [];
const closeRegions = async (): Promise<void> => {
  for (const r of made.splice(0)) await r.close();
};
const ended: { id: string; reason: string }[] = [];
beforeEach(() => {
  started.length = 0;
  ended.length = 0;
});

interface Counter {
  readonly id: string;
  readonly node: string;
  n: number;
}

/** A counter entity that tells the witness where it starts and that it ends. */
const counter = (node: string) =>
  genServer({
    init: (id: string): Counter => {
      started.push({ id, node });
      return { id, node, n: 0 };
    },
    handleCall: (req: 'get' | 'where' | 'crash', _from, s: Counter) => {
      if (req === 'crash') throw new Error('boom');
      return { reply: req === 'get' ? s.n : s.node, state: s };
    },
    handleCast: (_: 'inc', s: Counter) => ({ ...s, n: s.n + 1 }),
    handleInfo: (msg: { add: number }, s: Counter) => ({ ...s, n: s.n + msg.add }),
    terminate: (reason, s: Counter) => {
      ended.push({ id: s.id, reason: reason.kind });
    },
  });

async function bucket(): Promise<EntityKv> {
  const nc = await connectNats();
  return new Kvm(nc).create(`${clusterName()}_entities`, { history: 1 });
}

async function regions(
  nodes: ClusterNode[],
  options: { idleTimeout?: number } = {},
): Promise<
  EntityRegion<{
    call: 'get' | 'where' | 'crash';
    reply: number | string;
    cast: 'inc';
    info: { add: number };
  }>[]
> {
  const kv = await bucket();
  const out = [];
  for (const node of nodes) {
    out.push(await entities(node, 'counter', counter(node.name), { bucket: kv, ...options }));
  }
  made.push(...out);
  return out;
}

/** Resolves once every region sees exactly `count` members. */
async function settled(rs: EntityRegion[], count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (rs.every((r) => r.members().length === count)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(
    `members never settled at ${count}: ${rs.map((r) => r.members().join(',')).join(' | ')}`,
  );
}

const live = (id: string): string[] => {
  const nodes: string[] = [];
  for (const s of started) if (s.id === id) nodes.push(s.node);
  const ends = ended.filter((e) => e.id === id).length;
  return nodes.slice(ends);
};

describe('entities', () => {
  afterEach(closeRegions);
  test('an entity is activated on its first message, on the node that owns its shard, from any node', async () => {
    const { nodes } = await cluster(3);
    const rs = await regions(nodes);
    await settled(rs, 3);
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (const id of ids) {
      // Order holds per sending node: each node's messages arrive in the order it sent them.
      cast(entity(rs[0]!, id), 'inc');
      expect(await call(entity(rs[0]!, id), 'get')).toBe(1);
      send(entity(rs[1]!, id), { add: 10 });
      expect(await call(entity(rs[1]!, id), 'get')).toBe(11);
      expect(await call(entity(rs[2]!, id), 'get')).toBe(11);
      expect(await call(entity(rs[1]!, id), 'where')).toBe(rs[0]!.owner(id));
    }
    // One activation per id, on its owner; every owner took some.
    expect(started.map((s) => s.id).sort()).toEqual(ids);
    expect(new Set(started.map((s) => s.node)).size).toBeGreaterThan(1);
    expect(rs.reduce((sum, r) => sum + r.stats().active, 0)).toBe(ids.length);
  }, 30_000);

  test('an idle entity is passivated; its next message activates it again with fresh state', async () => {
    const { nodes } = await cluster(1);
    const [r] = await regions(nodes, { idleTimeout: 100 });
    cast(entity(r!, 'x'), 'inc');
    expect(await call(entity(r!, 'x'), 'get')).toBe(1);
    for (let i = 0; i < 200 && r!.stats().passivations === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(r!.stats().passivations).toBe(1);
    expect(ended).toEqual([{ id: 'x', reason: 'cancelled' }]);
    expect(await call(entity(r!, 'x'), 'get')).toBe(0);
    expect(started.map((s) => s.id)).toEqual(['x', 'x']);
  }, 30_000);

  test('a crashed entity restarts under the local supervisor; its caller gets the crash', async () => {
    const { nodes } = await cluster(2);
    const rs = await regions(nodes);
    await settled(rs, 2);
    cast(entity(rs[0]!, 'y'), 'inc');
    expect(await call(entity(rs[0]!, 'y'), 'get')).toBe(1);
    await expect(call(entity(rs[1]!, 'y'), 'crash')).rejects.toBeInstanceOf(ActorExitError);
    expect(await call(entity(rs[0]!, 'y'), 'get')).toBe(0);
    expect(ended).toEqual([{ id: 'y', reason: 'error' }]);
    expect(live('y')).toHaveLength(1);
  }, 30_000);

  test('a node joining takes its share: entities of its shards move there, state restarts, nothing is lost', async () => {
    const { nodes } = await cluster(1);
    const kv = await bucket();
    const a = await entities(nodes[0]!, 'counter', counter('n0'), { bucket: kv });
    made.push(a);
    const ids = Array.from({ length: 40 }, (_, i) => `k${i}`);
    for (const id of ids) cast(entity(a, id), 'inc');
    for (const id of ids) expect(await call(entity(a, id), 'get')).toBe(1);
    const [joined] = await join('n1');
    const b = await entities(joined, 'counter', counter('n1'), { bucket: kv });
    made.push(b);
    await settled([a, b], 2);
    const moved = ids.filter((id) => a.owner(id) === 'n1');
    expect(moved.length).toBeGreaterThan(0);
    expect(b.owner('k0')).toBe(a.owner('k0'));
    // Messages sent while shards move are held and delivered after the move.
    for (const id of ids) send(entity(a, id), { add: 5 });
    for (const id of ids) {
      const where = await call(entity(b, id), 'where');
      expect(where).toBe(a.owner(id));
    }
    for (const id of moved) expect(await call(entity(a, id), 'get')).toBe(5);
    for (const id of ids.filter((id) => !moved.includes(id))) {
      expect(await call(entity(a, id), 'get')).toBe(6);
    }
    for (const id of ids) expect(live(id)).toHaveLength(1);
    expect(a.stats().handoffs).toBe(moved.length);
  }, 60_000);

  test('a node that closes its region hands its entities to the others', async () => {
    const { nodes } = await cluster(2);
    const rs = await regions(nodes);
    await settled(rs, 2);
    const ids = Array.from({ length: 20 }, (_, i) => `q${i}`);
    for (const id of ids) cast(entity(rs[0]!, id), 'inc');
    for (const id of ids) await call(entity(rs[0]!, id), 'get');
    await rs[1]!.close();
    await settled([rs[0]!], 1);
    for (const id of ids) expect(await call(entity(rs[0]!, id), 'where')).toBe('n0');
    for (const id of ids) expect(live(id)).toEqual(['n0']);
  }, 30_000);

  test('messages to a closed region go to dead letters, a call rejects', async () => {
    const { nodes } = await cluster(1);
    const [r] = await regions(nodes);
    await r!.close();
    const letters = firstValueFrom(deadLetters$.pipe(take(1), toArray()));
    expect(send(entity(r!, 'z'), { add: 1 })).toBe(false);
    const [letter] = await letters;
    expect(letter!.message).toEqual({ add: 1 });
    await expect(call(entity(r!, 'z'), 'get')).rejects.toThrow(/entity 'counter\/z'/);
  }, 30_000);
});

describe('entities: failure paths', () => {
  afterEach(closeRegions);
  const unhandled = useUnhandledErrors();

  test('past holdBound, a message for an entity being activated is a dead letter (HoldOverflowError)', async () => {
    const { nodes } = await cluster(1);
    const kv = await bucket();
    const r = await entities(nodes[0]!, 'counter', counter('n0'), { bucket: kv, holdBound: 2 });
    made.push(r);
    const letters: DeadLetter[] = [];
    const subscription = deadLetters$.subscribe((l) => letters.push(l));
    // The key write is in flight: these are held, up to 2.
    expect(cast(entity(r, 'h'), 'inc')).toBe(true);
    expect(cast(entity(r, 'h'), 'inc')).toBe(true);
    expect(cast(entity(r, 'h'), 'inc')).toBe(false);
    subscription.unsubscribe();
    expect(letters).toHaveLength(1);
    const reason = letters[0]!.reason;
    expect(reason.kind === 'error' && reason.error).toBeInstanceOf(HoldOverflowError);
    for (let i = 0; i < 200 && r.stats().active === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await call(entity(r, 'h'), 'get')).toBe(2);
  }, 30_000);

  test('a message for the region that is not { e, m, h } is reported, and a call among them rejected', async () => {
    const { nodes } = await cluster(2);
    const rs = await regions(nodes);
    await settled(rs, 2);
    const region = nodes[0]!.registry.whereis('rxotp.entities/counter/n1')!;
    await expect(
      call(region as Pid<{ call: unknown; reply: unknown; cast: unknown; info: unknown }>, {
        e: 5,
      }),
    ).rejects.toThrow(/a message for the region must be \{ e: id, m: message, h: hops \}/);
    expect(unhandled()).toHaveBeenCalledWith(expect.any(TypeError));
  }, 30_000);

  // Routing when views disagree (docs/design.md, "Sharded entities", "Routing"). The region
  // name of a node 'ghost' is registered for n1's region actor: every view lists 'ghost' as a
  // member, but what is sent to it arrives at n1, whose own view sends it on to 'ghost' again.
  /** Two nodes with regions, and 'ghost' a member in both views; returns the regions and their bucket. */
  async function withGhost() {
    const { nodes } = await cluster(2);
    const rs = await regions(nodes);
    const kv = await bucket(); // the regions' bucket
    await settled(rs, 2);
    const n1 = nodes[1]!.registry.whereis('rxotp.entities/counter/n1')!;
    nodes[1]!.registry.register('rxotp.entities/counter/ghost', n1);
    await settled(rs, 3);
    expect(rs.map((r) => r.members())).toEqual([
      ['ghost', 'n0', 'n1'],
      ['ghost', 'n0', 'n1'],
    ]);
    /** The first of `id0`, `id1`, … whose shard both views give to `node`. */
    const ownedBy = (node: string): string => {
      for (let i = 0; ; i++) {
        const id = `id${i}`;
        if (rs.every((r) => r.owner(id) === node)) return id;
      }
    };
    return { rs, kv, ownedBy };
  }

  test('after 3 hops towards an owner that never takes the entity, a region takes it itself', async () => {
    const { rs, ownedBy } = await withGhost();
    const id = ownedBy('ghost');
    // n0 forwards it to 'ghost' (hop 1), which is n1; n1 forwards it to 'ghost' (hops 2, 3);
    // at 3 hops n1 takes it: it answers from n1, then moves towards its owner (a handoff).
    expect(await call(entity(rs[0]!, id), 'where')).toBe('n1');
    expect(started).toEqual([{ id, node: 'n1' }]);
    expect(await call(entity(rs[1]!, id), 'where')).toBe('n1');
    for (let i = 0; i < 200 && rs[1]!.stats().handoffs < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(rs[1]!.stats().handoffs).toBeGreaterThanOrEqual(2);
    expect(rs[0]!.stats().activations).toBe(0);
  }, 30_000);

  test('after 9 hops a message no region takes is a dead letter (NoProcError), and a call rejects', async () => {
    const { rs, kv, ownedBy } = await withGhost();
    // The key names 'ghost', a member in every view: each region that would take the entity
    // sends the message to 'ghost' instead, which is n1 again, one hop more each time.
    const id = ownedBy('n1');
    await kv.create(`e/counter/${id}`, new TextEncoder().encode('{"node":"ghost","run":"r"}'));
    const letters = firstValueFrom(
      deadLetters$.pipe(
        filter((l) => l.reason.kind === 'error' && l.reason.error instanceof NoProcError),
        take(1),
      ),
    );
    expect(send(entity(rs[0]!, id), { add: 1 })).toBe(true);
    const letter = await letters;
    expect(letter.message).toEqual({ add: 1 });
    expect(letter.reason.kind === 'error' && String(letter.reason.error)).toMatch(
      new RegExp(`entity 'counter/${id}' \\(no node took it after 9 hops\\)`),
    );
    await expect(call(entity(rs[1]!, id), 'get')).rejects.toThrow(/no node took it after 9 hops/);
    await expect(call(entity(rs[0]!, id), 'get')).rejects.toBeInstanceOf(NoProcError);
    expect(started).toEqual([]);
    expect(rs.map((r) => r.stats().active)).toEqual([0, 0]);
  }, 30_000);

  test('the local supervisor giving up is reported; a fresh one takes over and each entity comes back on its next message', async () => {
    const { nodes } = await cluster(1);
    const kv = await bucket();
    const r = await entities(nodes[0]!, 'counter', counter('n0'), { bucket: kv, intensity: 0 });
    made.push(r);
    cast(entity(r, 'x'), 'inc');
    cast(entity(r, 'y'), 'inc');
    expect(await call(entity(r, 'y'), 'get')).toBe(1);
    await expect(call(entity(r, 'x'), 'crash')).rejects.toBeInstanceOf(ActorExitError);
    expect(unhandled()).toHaveBeenCalledWith(expect.any(MaxRestartsExceededError));
    // Both stopped with the supervisor; each starts afresh here, its key taken back.
    expect(await call(entity(r, 'y'), 'get')).toBe(0);
    expect(await call(entity(r, 'x'), 'get')).toBe(0);
    expect(started.map((s) => s.id)).toEqual(['x', 'y', 'y', 'x']);
    const key = await kv.get('e/counter/x');
    expect(key?.operation).toBe('PUT');
  }, 30_000);

  test('an entity whose init fails: its callers are told, the key is freed, and the other entities run on', async () => {
    const { nodes } = await cluster(1);
    const kv = await bucket();
    const fragile = genServer({
      init: (id: string) => {
        if (id === 'bad') throw new Error('no such account');
        return 0;
      },
      handleCall: (_: 'get', _from, n: number) => ({ reply: n, state: n }),
    });
    const r = await entities(nodes[0]!, 'fragile', fragile, { bucket: kv, intensity: 10 });
    made.push(r);
    expect(await call(entity(r, 'good'), 'get')).toBe(0);
    await expect(call(entity(r, 'bad'), 'get')).rejects.toBeInstanceOf(ActorExitError);
    // Not restarted in a loop: the supervisor did not give up (one restart counted, of 10).
    expect(r.stats().active).toBe(1);
    expect(await call(entity(r, 'good'), 'get')).toBe(0);
    for (let i = 0; i < 100 && (await kv.get('e/fragile/bad'))?.operation === 'PUT'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await kv.get('e/fragile/bad'))?.operation).not.toBe('PUT');
  }, 30_000);
});

describe('entities: bad input', () => {
  afterEach(closeRegions);
  test('each argument is checked, naming the fix', async () => {
    const { nodes } = await cluster(1);
    const kv = await bucket();
    const node = nodes[0]!;
    const def = counter('n0');
    expect(() => entities({} as never, 't', def, { bucket: kv })).toThrow(
      /entities: node must be a ClusterNode/,
    );
    expect(() => entities(node, 'a.b', def, { bucket: kv })).toThrow(
      /entities: type must be 1 to 64/,
    );
    expect(() => entities(node, 't', {} as never, { bucket: kv })).toThrow(
      /entities: def must be a genServer/,
    );
    expect(() => entities(node, 't', def, undefined as never)).toThrow(
      /entities: options must be an object/,
    );
    expect(() => entities(node, 't', def, { bucket: {} as never })).toThrow(
      /options.bucket must be a KV bucket/,
    );
    expect(() => entities(node, 't', def, { bucket: kv, shards: 0 })).toThrow(RangeError);
    expect(() => entities(node, 't', def, { bucket: kv, idleTimeout: 0 })).toThrow(
      /idleTimeout must be more than 0/,
    );
    expect(() => entities(node, 't', def, { bucket: kv, holdBound: -1 })).toThrow(/holdBound/);
    expect(() => entities(node, 't', def, { bucket: kv, scheduler: {} as never })).toThrow(
      /scheduler/,
    );
    expect(() => entity({} as never, 'x')).toThrow(/entity: region must be an entity region/);
    const r = await entities(node, 't', def, { bucket: kv });
    expect(() => entity(r, 5 as never)).toThrow(/entity: id must be a string/);
    await r.close();
  }, 30_000);
});
