// Nodes of one cluster in this process, each on its own connection to a real
// JetStream nats-server: the cluster registry, remote messaging, node loss.
import { deserialize, serialize } from 'node:v8';
import { Kvm } from '@nats-io/kv';
import { firstValueFrom, interval, map, type Observable } from 'rxjs';
import {
  ActorExitError,
  AlreadyRegisteredError,
  NoProcError,
  CallTimeoutError,
  call,
  call$,
  cast,
  child,
  genServer,
  reports$,
  send,
  spawn,
  stop,
  supervise,
  via,
  type ExitReason,
  type Pid,
  type Protocol,
  type Report,
} from '../../src/index.js';
import { NodeDownError, joinCluster } from '../../src/remote/index.js';
import { collector, errorOf, gone, seen, until, useNatsCluster } from './cluster-fixture.js';
import { useDeadLetters, useUnhandledErrors } from '../support.js';

const unhandled = useUnhandledErrors();
const deadLetters = useDeadLetters();

/** A counter: cast 'inc', call 'get' / 'crash' / a number (echoed). */
const counter = genServer<{
  state: number;
  args: number;
  call: 'get' | 'crash' | number;
  reply: unknown;
  cast: 'inc';
  info: never;
}>()({
  init: (n) => n,
  handleCall: (req, _from, n) => {
    if (req === 'crash') throw new RangeError('bad request');
    return { reply: req === 'get' ? n : req, state: n };
  },
  handleCast: (_req, n) => n + 1,
});

/** Casts `msg` to each pid in `tell`; `me` replies its own pid; `{ echo }` replies it. */
const relay = genServer<{
  state: null;
  args: null;
  call: 'me' | { echo: Pid };
  reply: Pid;
  cast: { tell: Pid[]; msg: unknown };
  info: never;
}>()({
  init: () => null,
  handleCall: (req, _from, state, ctx) => ({
    reply: req === 'me' ? ctx.self : req.echo,
    state,
  }),
  handleCast: ({ tell, msg }, state) => {
    for (const pid of tell) cast(pid, msg as never);
    return state;
  },
});

/** The length of `got`, polled until the test has what it waits for. */
const collectorCount = (got: unknown[]): Observable<number> =>
  interval(5).pipe(map(() => got.length));

const { connectNats, clusterName, fresh, join, cluster } = useNatsCluster('c');

const exitReason = (pid: Pid): Promise<ExitReason> => firstValueFrom(pid.exit$);

describe('joinCluster: the cluster registry', () => {
  test('a name registered on one node resolves on another to a remote pid', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    const local = spawn(counter, 0);
    await a!.registry.claim('counter', local);
    const remote = await seen(b!, 'counter');
    expect(remote.node).toBe('n0');
    expect(remote.id).toBe(local.id);
    expect(a!.registry.whereis('counter')).toBe(local);
    // The same pid object each time it is seen.
    expect(b!.registry.whereis('counter')).toBe(remote);
  }, 30_000);

  test('cast then call through the name: in order, the call sees the casts', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    await a!.registry.claim('counter', spawn(counter, 0));
    await seen(b!, 'counter');
    const name = via<Protocol>(b!.registry, 'counter');
    for (let i = 0; i < 5; i++) expect(cast(name, 'inc')).toBe(true);
    expect(await call(name, 'get', { timeout: 20_000 })).toBe(5);
  }, 30_000);

  test('claim races: of two nodes claiming one name, exactly one wins', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    for (let i = 0; i < 20; i++) {
      const pa = spawn(counter, 0);
      const pb = spawn(counter, 0);
      const results = await Promise.allSettled([
        a!.registry.claim(`race${i}`, pa),
        b!.registry.claim(`race${i}`, pb),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(AlreadyRegisteredError);
      // The loser keeps running, unnamed; both nodes agree on the winner.
      const winner = results[0].status === 'fulfilled' ? pa : pb;
      const loser = winner === pa ? pb : pa;
      expect(loser.target.reason).toBeUndefined();
      const there = winner === pa ? b! : a!;
      expect((await seen(there, `race${i}`)).id).toBe(winner.id);
    }
  }, 60_000);

  test('claim: twice for one pid, both resolve; for a pid that exits first, NoProcError', async () => {
    const {
      nodes: [a],
    } = await cluster(1);
    const pid = spawn(counter, 0);
    await Promise.all([a!.registry.claim('twice', pid), a!.registry.claim('twice', pid)]);
    const doomed = spawn(counter, 0);
    const claimed = a!.registry.claim('doomed', doomed);
    stop(doomed);
    await expect(claimed).rejects.toBeInstanceOf(NoProcError);
    expect(a!.registry.whereis('doomed')).toBeUndefined();
  }, 30_000);

  test("register races: the loser's pid exits with AlreadyRegisteredError", async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    const pa = spawn(counter, 0);
    const pb = spawn(counter, 0);
    // Both registrations pass their node's local check before either reaches the bucket.
    a!.registry.register('one', pa);
    b!.registry.register('one', pb);
    const [ra, rb] = await Promise.race([
      Promise.all([exitReason(pa), Promise.resolve(undefined)]),
      Promise.all([Promise.resolve(undefined), exitReason(pb)]),
    ]);
    const loserReason = ra ?? rb;
    expect(errorOf(loserReason)).toBeInstanceOf(AlreadyRegisteredError);
    const winner = ra === undefined ? pa : pb;
    expect(winner.target.reason).toBeUndefined();
    expect((await seen(a!, 'one')).id).toBe(winner.id);
    expect((await seen(b!, 'one')).id).toBe(winner.id);
  }, 30_000);

  test('a name held elsewhere: register throws at once, as on a local registry', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    await a!.registry.claim('db', spawn(counter, 0));
    await seen(b!, 'db');
    const mine = spawn(counter, 0);
    expect(() => b!.registry.register('db', mine)).toThrow(AlreadyRegisteredError);
    expect(mine.target.reason).toBeUndefined();
  }, 30_000);

  test('the name goes everywhere when its pid exits; then it can be taken again', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    const first = spawn(counter, 0);
    await a!.registry.claim('x', first);
    const remote = await seen(b!, 'x');
    send(first, 'not a protocol message' as never);
    await gone(b!, 'x');
    expect((await exitReason(remote)).kind).toBe('error');
    const second = spawn(counter, 0);
    await b!.registry.claim('x', second);
    expect((await seen(a!, 'x')).id).toBe(second.id);
  }, 30_000);

  test('unregister on another node removes the name cluster-wide', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    const pid = spawn(counter, 0);
    await a!.registry.claim('u', pid);
    await seen(b!, 'u');
    expect(b!.registry.unregister('u')).toBe(true);
    expect(b!.registry.whereis('u')).toBeUndefined();
    await gone(a!, 'u');
    expect(pid.target.reason).toBeUndefined();
  }, 30_000);

  test('names that are not plain keys round-trip: spaces, dots, unicode, empty', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    for (const name of ['a b', 'x.y', 'ünï/cøde', '', '=41']) {
      const pid = spawn(counter, 0);
      await a!.registry.claim(name, pid);
      expect((await seen(b!, name)).id).toBe(pid.id);
    }
  }, 30_000);

  test('a bucket key no node writes, or a value that is no name, is dropped and reported; names go on', async () => {
    const {
      nodes: [a, b],
      ncs,
    } = await cluster(2);
    const reports: Report[] = [];
    const subscription = reports$.subscribe((r) => reports.push(r));
    try {
      const bucket = await new Kvm(ncs[0]!).open(`${clusterName()}_names`);
      // `=41` spells `A` a second way; `junk` is a plain name with a value that is not one.
      await bucket.put('=41', new TextEncoder().encode('{}'));
      await bucket.put('junk', new Uint8Array([1, 2, 3]));
      const pid = spawn(counter, 0);
      await a!.registry.claim('A', pid);
      expect((await seen(b!, 'A')).id).toBe(pid.id);
      const dropped = reports.flatMap((r) =>
        r.kind === 'remote' && r.node === 'n1' && r.operation === 'registry watch'
          ? [(r.error as Error).message]
          : [],
      );
      expect(dropped).toEqual(
        expect.arrayContaining([
          expect.stringContaining("key '=41' is not a name"),
          expect.stringContaining("key 'junk' holds no valid name value"),
        ]),
      );
      expect(b!.registry.whereis('junk')).toBeUndefined();
    } finally {
      subscription.unsubscribe();
    }
  }, 30_000);

  test('a remote pid cannot be registered: a TypeError names the fix', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    await a!.registry.claim('r', spawn(counter, 0));
    const remote = await seen(b!, 'r');
    expect(() => b!.registry.register('other', remote)).toThrow(/register it there/);
    expect(b!.registry.whereis('other')).toBeUndefined();
  }, 30_000);

  test('entries$ on every node shows the names of all nodes', async () => {
    const {
      nodes: [a, b, c],
    } = await cluster(3);
    await a!.registry.claim('from-a', spawn(counter, 0));
    await b!.registry.claim('from-b', spawn(counter, 0));
    const names = await until(c!.registry.entries$, (m) => m.size === 2);
    expect([...names.keys()].sort()).toEqual(['from-a', 'from-b']);
    expect(names.get('from-a')?.node).toBe('n0');
    expect(names.get('from-b')?.node).toBe('n1');
  }, 30_000);

  test('a node that joins later sees the names already there', async () => {
    const {
      nodes: [a],
    } = await cluster(1);
    const pid = spawn(counter, 0);
    await a!.registry.claim('early', pid);
    const [late] = await join('late');
    // Loaded before joinCluster resolved.
    expect(late.registry.whereis('early')?.id).toBe(pid.id);
  }, 30_000);
});

describe('joinCluster: messages and calls', () => {
  test('a crash in the handler rejects the remote call with ActorExitError; then noproc', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    const local = spawn(counter, 0);
    await a!.registry.claim('c', local);
    const remote = await seen(b!, 'c');
    const crash = await call(remote, 'crash', { timeout: 20_000 }).catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(ActorExitError);
    expect((await exitReason(remote)).kind).toBe('error');
    // The node is up: it answers noproc for its dead pid.
    await expect(call(remote, 'get', { timeout: 20_000 })).rejects.toBeInstanceOf(NoProcError);
  }, 30_000);

  test('a call to a pid whose node is gone rejects at once with NoProcError (no responders)', async () => {
    const {
      nodes: [a, b],
      ncs: [ncA],
    } = await cluster(2, { interval: 1000, missed: 60 });
    await a!.registry.claim('far', spawn(counter, 0));
    const remote = await seen(b!, 'far');
    // Drained: the server has dropped a's subscriptions before the call is sent.
    await ncA!.drain();
    // Heartbeats would take a minute to notice: only NATS's 503 can answer this fast.
    await expect(call(remote, 'get', { timeout: 30_000 })).rejects.toBeInstanceOf(NoProcError);
  }, 30_000);

  test('a message that cannot be encoded throws at send and nothing is sent', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    await a!.registry.claim('enc', spawn(counter, 0));
    const remote = await seen(b!, 'enc');
    expect(() => cast(remote, () => 'inc')).toThrow(/cannot cross nodes/);
    expect(await call(remote, 'get', { timeout: 20_000 })).toBe(0);
  }, 30_000);

  test('stop on a remote pid stops it there with the reason', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    const local = spawn(counter, 0);
    await a!.registry.claim('s', local);
    const remote = await seen(b!, 's');
    expect(stop(remote)).toBe(true);
    expect((await exitReason(local)).kind).toBe('normal');
    expect((await exitReason(remote)).kind).toBe('normal');
  }, 30_000);

  test('a cast to a remote pid that has exited there is a dead letter on its node', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    const local = spawn(counter, 0);
    await a!.registry.claim('dl', local);
    const remote = await seen(b!, 'dl');
    stop(local);
    // Sent before b hears of the exit: it reaches a, where the pid is dead.
    cast(remote, 'inc');
    // A call after it, to another pid on a, is answered after a handled the cast.
    await a!.registry.claim('probe', spawn(counter, 0));
    await call(await seen(b!, 'probe'), 'get', { timeout: 20_000 });
    expect(deadLetters().some((l) => l.kind === 'cast' && l.message === 'inc')).toBe(true);
  }, 30_000);

  test('call$ on a remote pid: a cold Observable of the reply', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    await a!.registry.claim('obs', spawn(counter, 3));
    const remote = await seen(b!, 'obs');
    const reply$ = call$(remote, 'get', { timeout: 20_000 });
    expect(await firstValueFrom(reply$)).toBe(3);
    expect(await firstValueFrom(reply$)).toBe(3);
  }, 30_000);

  test('a remote call that gets no reply in time rejects with CallTimeoutError', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    const silent = genServer<{ state: null; args: null; call: 'wait'; reply: never }>()({
      init: () => null,
      handleCall: (_req, _from, state) => ({ noreply: true, state }),
    });
    await a!.registry.claim('silent', spawn(silent, null));
    const remote = await seen(b!, 'silent');
    await expect(call(remote, 'wait', { timeout: 50 })).rejects.toBeInstanceOf(CallTimeoutError);
  }, 30_000);

  test('pids inside messages cross: the receiver can reply to a pid it was sent', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    await a!.registry.claim('relay', spawn(relay, null));
    const remote = await seen(b!, 'relay');
    const got: unknown[] = [];
    const inbox = spawn(collector, got);
    // b's own pid goes to a inside a cast; a casts back to it.
    cast(remote, { tell: [inbox], msg: 'hello' });
    // a's reply holds a's own pid: on b, the same remote pid as the registry's.
    expect(await call(remote, 'me', { timeout: 20_000 })).toBe(remote);
    await until(collectorCount(got), (n) => n === 1);
    expect(got).toEqual(['hello']);
  }, 30_000);

  test("a third node's pid crosses too: it reaches that node directly", async () => {
    const {
      nodes: [a, b, c],
    } = await cluster(3);
    await a!.registry.claim('relay', spawn(relay, null));
    const got: unknown[] = [];
    await c!.registry.claim('inbox', spawn(collector, got));
    const relayOnB = await seen(b!, 'relay');
    const inboxOnB = await seen(b!, 'inbox');
    // b hands c's pid to a, which casts to it: a talks to c on its own.
    cast(relayOnB, { tell: [inboxOnB], msg: 'via a' });
    await until(collectorCount(got), (n) => n === 1);
    expect(got).toEqual(['via a']);
    const inboxOnA = await seen(a!, 'inbox');
    expect(await call(relayOnB, { echo: inboxOnB }, { timeout: 20_000 })).toBe(inboxOnB);
    expect(inboxOnA.node).toBe('n2');
  }, 30_000);

  test('JSON refuses what it would mangle: a Map, or a pid inside a class instance', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    await a!.registry.claim('p', spawn(relay, null));
    const remote = await seen(b!, 'p');
    const me = spawn(counter, 0);
    expect(() => cast(remote, { tell: [], msg: new Map([['me', me]]) })).toThrow(/Map/);
    class Envelope {
      constructor(readonly pid: Pid) {}
    }
    expect(() => cast(remote, { tell: [], msg: new Envelope(me) })).toThrow(
      /arrays and plain objects/,
    );
  }, 30_000);

  test('a pluggable codec: v8 serialization carries a Date', async () => {
    fresh();
    const codec = { encode: serialize, decode: deserialize };
    const [a] = await join('a', { codec });
    const [b] = await join('b', { codec });
    const keeper = genServer<{
      state: Date | null;
      args: Date | null;
      call: 'get';
      reply: unknown;
      cast: Date;
      info: never;
    }>()({
      init: () => null,
      handleCall: (_req, _from, d) => ({ reply: d, state: d }),
      handleCast: (d) => d,
    });
    await a.registry.claim('keeper', spawn(keeper, null));
    const remote = await seen(b, 'keeper');
    cast(remote, new Date(0));
    expect(await call(remote, 'get', { timeout: 20_000 })).toEqual(new Date(0));
  }, 30_000);

  test('10,000 cross-node calls: none lost, none answered twice', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    await a!.registry.claim('echo', spawn(counter, 0));
    const remote = await seen(b!, 'echo');
    const replies = new Map<number, number>();
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => {
          const n = batch * 1000 + i;
          const reply = await call(remote, n, { timeout: 60_000 });
          replies.set(reply as number, (replies.get(reply as number) ?? 0) + 1);
        }),
      );
    }
    expect(replies.size).toBe(10_000);
    expect([...replies.values()].every((count) => count === 1)).toBe(true);
  }, 120_000);
});

describe('joinCluster: supervision stays local, names follow restarts', () => {
  test('a supervised child restarted on one node: another keeps calling it by name', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    const tree = supervise([child('worker', () => counter.start(0, {}))], {
      registry: a!.registry,
      intensity: 100,
    }).subscribe();
    try {
      const first = await seen(b!, 'worker');
      const name = via<Protocol>(b!.registry, 'worker');
      expect(await call(name, 'get', { timeout: 20_000 })).toBe(0);
      const crash = await call(name, 'crash', { timeout: 20_000 }).catch((e: unknown) => e);
      expect(crash).toBeInstanceOf(ActorExitError);
      // Casts during the gap are held and reach the next incarnation.
      cast(name, 'inc');
      cast(name, 'inc');
      const second = await seen(b!, 'worker', first);
      expect(second).not.toBe(first);
      expect(await call(name, 'get', { timeout: 20_000 })).toBe(2);
      expect(unhandled()).not.toHaveBeenCalled();
    } finally {
      tree.unsubscribe();
    }
  }, 30_000);
  test('a call held through a restart gap that times out is never handled by the next incarnation', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    const handled: unknown[] = [];
    const recorder = genServer<{
      state: null;
      args: null;
      call: 'crash' | 'late' | 'now';
      reply: string;
      cast: never;
      info: never;
    }>()({
      init: () => null,
      handleCall: (req, _from, state) => {
        if (req === 'crash') throw new Error('crash requested');
        handled.push(req);
        return { reply: req, state };
      },
    });
    const tree = supervise([child('rec', () => recorder.start(null, {}))], {
      registry: a!.registry,
      backoff: () => 500,
    }).subscribe();
    try {
      const first = await seen(b!, 'rec');
      const name = via<Protocol>(b!.registry, 'rec');
      await call(name, 'crash', { timeout: 20_000 }).catch(() => undefined);
      await gone(b!, 'rec');
      // Held on b while the name waits for its restart; its timeout keeps running.
      await expect(call(name, 'late', { timeout: 20 })).rejects.toBeInstanceOf(CallTimeoutError);
      await seen(b!, 'rec', first);
      expect(await call(name, 'now', { timeout: 20_000 })).toBe('now');
      expect(handled).toEqual(['now']);
    } finally {
      tree.unsubscribe();
    }
  }, 30_000);
});

describe('joinCluster: losing a node', () => {
  test("a node's connection dies: monitors fire NodeDownError after missed heartbeats; its names go", async () => {
    const {
      nodes: [a, b, c],
      ncs: [ncA],
    } = await cluster(3, { interval: 100, missed: 5 });
    await a!.registry.claim('lost', spawn(counter, 0));
    const onB = await seen(b!, 'lost');
    await seen(c!, 'lost');
    const down = firstValueFrom(b!.down$);
    await ncA!.close();
    const reason = await exitReason(onB);
    const error = errorOf(reason) as NodeDownError;
    expect(error).toBeInstanceOf(NodeDownError);
    expect(error.node).toBe('n0');
    expect(error.why).toBe('missed 5 heartbeats');
    expect((await down).node).toBe('n0');
    await gone(b!, 'lost');
    await gone(c!, 'lost');
    // The survivors removed it from the bucket too: a node joining now does not see it.
    const [late] = await join('late');
    expect(late.registry.whereis('lost')).toBeUndefined();
  }, 30_000);

  test('close(): the others learn it at once; its names go', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    await a!.registry.claim('bye', spawn(counter, 0));
    const remote = await seen(b!, 'bye');
    await until(b!.nodes$, (names) => names.includes('n0'));
    const down = firstValueFrom(b!.down$);
    await a!.close();
    expect((await down).why).toBe('closed by peer');
    expect(errorOf(await exitReason(remote))).toBeInstanceOf(NodeDownError);
    await gone(b!, 'bye');
  }, 30_000);
});

describe('joinCluster: bad input', () => {
  test('bad options throw at once, before anything is made', async () => {
    const nc = await connectNats();
    expect(() => joinCluster({ connection: {} as never, name: 'a' })).toThrow(TypeError);
    expect(() => joinCluster({ connection: nc, name: 'a.b' })).toThrow(/'\.'/);
    expect(() => joinCluster({ connection: nc, name: 'a', cluster: 'x.y' })).toThrow(/cluster/);
    expect(() => joinCluster({ connection: nc, name: 'a', heartbeat: { interval: 0 } })).toThrow(
      RangeError,
    );
  }, 30_000);
});
