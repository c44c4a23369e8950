// A cluster of Node processes against real nats-servers: the test process is one node and
// cluster-node-process.ts runs the others, each in a child process driven over IPC. Every test
// has a cluster (and so a names bucket) of its own on the shared server(s).
import { join } from 'node:path';
import { Kvm, type KV } from '@nats-io/kv';
import { RequestError, connect, type NatsConnection } from '@nats-io/transport-node';
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import {
  NoProcError,
  call,
  cast,
  via,
  type ExitReason,
  type Pid,
  type Protocol,
} from '../../src/index.js';
import {
  NodeDownError,
  joinCluster,
  type ClusterNode,
  type ClusterRegistry,
} from '../../src/remote/index.js';
import { exitOf, useUnhandledErrors } from '../support.js';
import type {
  ClaimReport,
  Command,
  EchoReply,
  HammerReport,
  NodeConfig,
  ReasonReport,
  WhoReply,
} from './cluster-node-process.js';
import { startCluster, startServer } from './nats-servers.js';
import { NodeProcess } from './node-process.js';

const unhandled = useUnhandledErrors();

const nodeFile = join(__dirname, 'cluster-node-process.ts');

/** Generous: a loaded CI machine must not take a live node for lost (5 s of silence). */
const relaxed = { interval: 250, missed: 20 };
/** The bound the node-loss test counts in: lost after 10 silent heartbeats. */
const bounded = { interval: 200, missed: 10 };
/** So slow (30 s) that no loss within a test can come from heartbeats. */
const sluggish = { interval: 1000, missed: 30 };

/** A node in a child process running cluster-node-process.ts. */
class ClusterNodeProcess extends NodeProcess<NodeConfig, Command> {
  constructor(config: NodeConfig) {
    super(nodeFile, config);
  }
}

/** What one test started; all of it is stopped after the test, whatever happened. */
const processes: ClusterNodeProcess[] = [];
const members: ClusterNode[] = [];
const connections: NatsConnection[] = [];
const subscriptions: Subscription[] = [];

afterEach(async () => {
  for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
  await Promise.all(processes.splice(0).map((p) => p.kill()));
  await Promise.all(members.splice(0).map((m) => m.close().catch(() => undefined)));
  const open = connections.splice(0).filter((nc) => !nc.isClosed());
  await Promise.all(open.map((nc) => nc.close()));
}, 60_000);

let run = 0;
/** The subject node `name` of `cluster` answers probes on. */
const probeSubject = (cluster: string, name: string): string => `probe.${cluster}.${name}`;

/** A cluster name of its own for each test: nodes and names of other tests never meet it. */
const freshCluster = (): string => `cp${process.pid}_${++run}`;

/** A client pinned to one server (it does not wander to the others of a cluster). */
async function client(url: string): Promise<NatsConnection> {
  const nc = await connect({ servers: url, ignoreClusterUpdates: true });
  connections.push(nc);
  return nc;
}

/** This process as a node named `name`. */
async function joinHere(
  cluster: string,
  url: string,
  heartbeat: NodeConfig['heartbeat'],
  replicas: number,
  name = 't',
): Promise<ClusterNode> {
  const connection = await client(url);
  const node = await joinCluster({ connection, name, cluster, heartbeat, replicas });
  members.push(node);
  return node;
}

/** Child-process nodes, started together, ready once each has joined the cluster. */
async function startNodes(configs: NodeConfig[]): Promise<ClusterNodeProcess[]> {
  const started = configs.map((config) => new ClusterNodeProcess(config));
  processes.push(...started);
  await Promise.all(started.map((p) => p.ready));
  return started;
}

/** The pid under `name` in `registry`, once there is one. */
const lookup = (registry: ClusterRegistry, name: string): Promise<Pid> =>
  firstValueFrom(registry.whereis$(name).pipe(filter((pid): pid is Pid => pid !== undefined)));

/** The error a promise rejects with (it must reject). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/**
 * Resolves once no one answers on the probe subject of node `name` (503 no responders): the
 * server, and through routes every server, has dropped that process's connection, so its
 * inbox subject has no subscriber either. A still-subscribed dead process just times out.
 */
async function untilUnreachable(nc: NatsConnection, cluster: string, name: string): Promise<void> {
  for (;;) {
    try {
      await nc.request(probeSubject(cluster, name), undefined, { timeout: 250 });
    } catch (error) {
      if (error instanceof RequestError && error.isNoResponders()) break;
    }
  }
  // One more round trip: an interest removal read in the same batch is surely applied now.
  await nc.flush();
}

/** Resolves once none of `keys` has a value in the bucket. */
async function untilDeleted(kv: KV, keys: readonly string[]): Promise<void> {
  for (;;) {
    const entries = await Promise.all(keys.map((key) => kv.get(key)));
    if (entries.every((entry) => entry === null || entry.operation !== 'PUT')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const documentedCallErrors = [
  'NoProcError',
  'ActorExitError',
  'CallTimeoutError',
  'HoldOverflowError',
  'NodeDownError',
];

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

interface Servers {
  readonly urls: readonly string[];
  stop(): Promise<void>;
}

describe.each([
  {
    where: 'one JetStream server',
    replicas: 1,
    start: async (): Promise<Servers> => {
      const server = await startServer({ jetstream: true });
      return { urls: [server.url], stop: () => server.stop() };
    },
  },
  {
    where: 'a 3-server JetStream cluster, nodes on different servers, names bucket R3',
    replicas: 3,
    start: async (): Promise<Servers> => {
      const cluster = await startCluster(3, { jetstream: true });
      return { urls: cluster.urls, stop: () => cluster.stop() };
    },
  },
])('node processes on $where', ({ replicas, start }) => {
  let servers: Servers | undefined;

  beforeAll(async () => {
    servers = await start();
  }, 120_000);

  afterAll(async () => {
    // undefined when beforeAll failed: the helpers clean up after a failed start.
    await servers?.stop();
  }, 60_000);

  /** The URL of server `i` (round robin), so nodes spread over a cluster's servers. */
  const url = (i: number): string => {
    const urls = servers!.urls;
    return urls[i % urls.length]!;
  };

  /** A child node config on server `i`. */
  const config = (
    cluster: string,
    name: string,
    i: number,
    heartbeat: NodeConfig['heartbeat'],
  ): NodeConfig => ({
    url: url(i),
    name,
    cluster,
    heartbeat,
    replicas,
    probe: probeSubject(cluster, name),
  });

  test('cast and call cross between processes through the cluster registry', async () => {
    const cluster = freshCluster();
    const here = await joinHere(cluster, url(0), relaxed, replicas);
    const [a, b] = await startNodes([
      config(cluster, 'a', 1, relaxed),
      config(cluster, 'b', 2, relaxed),
    ]);
    expect(await a!.run({ op: 'spawn', name: 'counter', claim: false })).toMatch(
      /^<pid \d+ counter>$/,
    );
    await b!.run({ op: 'await-name', name: 'counter', present: true });
    // Order holds from one node to another: the casts are counted before the call.
    for (let i = 0; i < 3; i++) {
      expect(await b!.run({ op: 'cast', name: 'counter', request: 'inc' })).toBe(true);
    }
    expect(await b!.run({ op: 'call', name: 'counter', request: 'get' })).toBe(3);
    // This process too, by name and by the remote pid.
    const counter = await lookup(here.registry, 'counter');
    expect(counter.node).toBe('a');
    expect(await b!.run<WhoReply>({ op: 'call', name: 'counter', request: 'who' })).toEqual({
      node: 'a',
      id: counter.id,
    });
    expect(cast(via<Protocol>(here.registry, 'counter'), 'inc')).toBe(true);
    expect(await call(counter, 'get', { timeout: 20_000 })).toBe(4);
    // And back the other way.
    await b!.run({ op: 'spawn', name: 'other', claim: true });
    await a!.run({ op: 'await-name', name: 'other', present: true });
    expect(await a!.run({ op: 'call', name: 'other', request: 'who' })).toMatchObject({
      node: 'b',
    });
    expect([...a!.unhandled, ...b!.unhandled]).toEqual([]);
    // A node that leaves says so: the others lose it at once, with its names.
    const down = firstValueFrom(here.down$);
    expect(await b!.run({ op: 'close' })).toBe('closed');
    expect(await down).toMatchObject({ node: 'b', why: 'closed by peer' });
    await firstValueFrom(here.registry.whereis$('other').pipe(filter((p) => p === undefined)));
    expect(await a!.run({ op: 'await-name', name: 'other', present: false })).toBeNull();
  }, 120_000);

  test('two processes claiming the same 20 names: exactly one wins each', async () => {
    const cluster = freshCluster();
    const here = await joinHere(cluster, url(0), relaxed, replicas);
    const [a, b] = await startNodes([
      config(cluster, 'a', 1, relaxed),
      config(cluster, 'b', 2, relaxed),
    ]);
    const names = range(20).map((i) => `name-${i}`);
    await Promise.all([a, b].map((p) => p!.run({ op: 'claim-prepare', names })));
    const [fromA, fromB] = await Promise.all(
      [a, b].map((p) => p!.run<Record<string, ClaimReport>>({ op: 'claim-go' })),
    );
    for (const name of names) {
      const claims = [fromA![name]!, fromB![name]!];
      expect(claims.filter((c) => c.won)).toHaveLength(1);
      const loser = claims.find((c) => !c.won)!;
      expect(loser.error).toBe('AlreadyRegisteredError');
      // The loser's pid keeps running, unnamed.
      expect(loser.alive).toBe(true);
      // Every node agrees on the winner.
      const winner = fromA![name]!.won ? 'a' : 'b';
      const pid = await lookup(here.registry, name);
      expect(pid.node).toBe(winner);
      const who = await call(via<Protocol>(here.registry, name), 'who', { timeout: 20_000 });
      expect(who).toEqual({ node: winner, id: pid.id });
      const seen = await Promise.all(
        [a, b].map((p) => p!.run<string>({ op: 'await-name', name, present: true })),
      );
      const local = winner === 'a' ? seen[0] : seen[1];
      expect(local).toBe(`<pid ${pid.id} ${name}>`);
    }
    expect([...a!.unhandled, ...b!.unhandled]).toEqual([]);
  }, 120_000);

  describe('a call from this node to a dead remote pid rejects at once with NoProcError', () => {
    test('the pid exited on a live node', async () => {
      const cluster = freshCluster();
      const here = await joinHere(cluster, url(0), sluggish, replicas);
      const [a] = await startNodes([config(cluster, 'a', 1, sluggish)]);
      await a!.run({ op: 'spawn', name: 'victim', claim: true });
      const victim = await lookup(here.registry, 'victim');
      expect(await a!.run<ReasonReport>({ op: 'stop', name: 'victim' })).toEqual({
        text: 'normal',
      });
      // The call's timeout is far off: a NoProcError can only be the node's answer.
      const byPid = await rejection(call(victim, 'get', { timeout: 20_000 }));
      expect(byPid).toBeInstanceOf(NoProcError);
      const byName = await rejection(
        call(via<Protocol>(here.registry, 'victim'), 'get', { timeout: 20_000 }),
      );
      expect(byName).toBeInstanceOf(NoProcError);
      expect(await firstValueFrom(here.nodes$)).toEqual(['a']);
      expect(a!.unhandled).toEqual([]);
    }, 120_000);

    test('the pid whose node process was killed, before heartbeats could tell', async () => {
      const cluster = freshCluster();
      const here = await joinHere(cluster, url(0), sluggish, replicas);
      const lost: NodeDownError[] = [];
      subscriptions.push(here.down$.subscribe((error) => lost.push(error)));
      const [k] = await startNodes([config(cluster, 'k', 1, sluggish)]);
      await k!.run({ op: 'spawn', name: 'doomed', claim: true });
      const doomed = await lookup(here.registry, 'doomed');
      await k!.kill();
      await untilUnreachable(connections[0]!, cluster, 'k');
      // 30 heartbeats of 1 s are far off, and so is the call's timeout: this is no-responders.
      const byPid = await rejection(call(doomed, 'get', { timeout: 20_000 }));
      expect(byPid).toBeInstanceOf(NoProcError);
      // The name still points at the pid (no heartbeat missed yet): a call through it fails alike.
      expect(here.registry.whereis('doomed')).toBe(doomed);
      const byName = await rejection(
        call(via<Protocol>(here.registry, 'doomed'), 'get', { timeout: 20_000 }),
      );
      expect(byName).toBeInstanceOf(NoProcError);
      // Nothing noticed the loss yet.
      expect(await firstValueFrom(here.nodes$)).toEqual(['k']);
      expect(exitOf(doomed)).toBeUndefined();
      expect(lost).toEqual([]);
    }, 120_000);
  });

  test('a killed node: monitors on the survivors fire NodeDownError, its names leave every registry and the bucket', async () => {
    const cluster = freshCluster();
    const here = await joinHere(cluster, url(0), bounded, replicas);
    const lost: NodeDownError[] = [];
    subscriptions.push(here.down$.subscribe((error) => lost.push(error)));
    const [a, k] = await startNodes([
      config(cluster, 'a', 1, bounded),
      config(cluster, 'k', 2, bounded),
    ]);
    await k!.run({ op: 'spawn', name: 'k-counter', claim: true });
    await k!.run({ op: 'supervise', name: 'k-worker', backoff: 0 });
    const pids = await Promise.all(['k-counter', 'k-worker'].map((n) => lookup(here.registry, n)));
    const exits = pids.map((pid) => firstValueFrom(pid.exit$));
    await Promise.all(
      ['k-counter', 'k-worker'].map((name) => a!.run({ op: 'await-name', name, present: true })),
    );
    const monitored = Promise.all(
      ['k-counter', 'k-worker'].map((name) =>
        a!.run<{ pid: string; reason: ReasonReport }>({ op: 'monitor', name }),
      ),
    );
    expect(await firstValueFrom(here.nodes$)).toEqual(['a', 'k']);

    await k!.kill();

    // Here: both monitors fire with the node's loss, counted in heartbeats.
    for (const reason of await Promise.all<ExitReason>(exits)) {
      expect(reason.kind).toBe('error');
      const error = (reason as { error: unknown }).error;
      expect(error).toBeInstanceOf(NodeDownError);
      expect(error).toMatchObject({ node: 'k', why: 'missed 10 heartbeats' });
    }
    // On the surviving process alike.
    for (const { reason } of await monitored) {
      expect(reason).toMatchObject({
        errorName: 'NodeDownError',
        node: 'k',
        why: 'missed 10 heartbeats',
      });
    }
    expect(lost.map((e) => [e.node, e.why])).toEqual([['k', 'missed 10 heartbeats']]);
    expect(await firstValueFrom(here.nodes$)).toEqual(['a']);
    // Its names leave this registry, the other survivor's, and the bucket itself.
    await firstValueFrom(
      here.registry.entries$.pipe(filter((m) => [...m.values()].every((p) => p.node !== 'k'))),
    );
    for (const name of ['k-counter', 'k-worker']) {
      expect(await a!.run({ op: 'await-name', name, present: false })).toBeNull();
      expect(here.registry.whereis(name)).toBeUndefined();
    }
    const kv = await new Kvm(connections[0]!).open(`${cluster}_names`);
    await untilDeleted(kv, ['k-counter', 'k-worker']);
    expect(a!.unhandled).toEqual([]);
  }, 120_000);

  test('a supervised child restarted on one node while another keeps calling it by name', async () => {
    const cluster = freshCluster();
    await joinHere(cluster, url(0), relaxed, replicas);
    const [a, b] = await startNodes([
      config(cluster, 'a', 1, relaxed),
      config(cluster, 'b', 2, relaxed),
    ]);
    // The restart waits 300 ms: a gap that the hammer's casts and calls (every 5 ms) fall into.
    await a!.run({ op: 'supervise', name: 'w', backoff: 300 });
    await b!.run({ op: 'await-name', name: 'w', present: true });
    expect(await b!.run({ op: 'hammer-start', name: 'w', every: 5, warm: 20 })).toBe('warm');
    const { before, after } = await a!.run<{ before: string; after: string }>({
      op: 'crash',
      name: 'w',
    });
    expect(after).not.toBe(before);
    const report = await b!.run<HammerReport>({ op: 'hammer-stop', after: 20 });
    // Calls answered by both incarnations, each with its own id.
    expect(Object.keys(report.answered).sort()).toEqual(['1', '2']);
    expect(report.mismatched).toBe(0);
    // Calls either succeed or fail with a documented error; none vanish.
    const failed = Object.values(report.errors).reduce((n, k) => n + k, 0);
    const answered = Object.values(report.answered).reduce((n, k) => n + k, 0);
    expect(answered + failed).toBe(report.calls);
    expect(Object.keys(report.errors).filter((e) => !documentedCallErrors.includes(e))).toEqual([]);
    // Casts were made while the name was down here, and every cast reached the worker, once.
    expect(report.gapCasts).toBeGreaterThan(0);
    expect(report.refused).toBe(0);
    const { marks } = await a!.run<{ marks: number[] }>({ op: 'ledger' });
    expect(sorted(marks)).toEqual(report.casts);
    expect([...a!.unhandled, ...b!.unhandled]).toEqual([]);
  }, 120_000);

  test('messages sent through a name and queued behind a crash go to the next incarnation', async () => {
    const cluster = freshCluster();
    await joinHere(cluster, url(0), relaxed, replicas);
    const [a, b] = await startNodes([
      config(cluster, 'a', 1, relaxed),
      config(cluster, 'b', 2, relaxed),
    ]);
    await a!.run({ op: 'supervise', name: 'q', backoff: 0 });
    await b!.run({ op: 'await-name', name: 'q', present: true });
    // 'slow' keeps the worker busy while the rest arrives and queues behind it; then it
    // crashes. Sent through a name, what was queued behind the crash is held for the restart.
    const marks = [1, 2, 3, 4, 5].map((mark) => ({ mark }));
    const reply = await b!
      .run<EchoReply>({
        op: 'burst',
        name: 'q',
        casts: ['slow', 'crash', ...marks],
        then: { echo: 0 },
      })
      .catch((error: Error) => error.name);
    const ledger = await a!.run<{ marks: number[] }>({ op: 'ledger' });
    expect({ reply, marks: ledger.marks }).toEqual({
      reply: { echo: 0, incarnation: 2 },
      marks: [1, 2, 3, 4, 5],
    });
  }, 120_000);

  test('10,000 cross-node calls: none lost, none answered twice', async () => {
    const cluster = freshCluster();
    await joinHere(cluster, url(0), relaxed, replicas);
    const [a, b] = await startNodes([
      config(cluster, 'a', 1, relaxed),
      config(cluster, 'b', 2, relaxed),
    ]);
    await a!.run({ op: 'spawn', name: 'echo', claim: true });
    await b!.run({ op: 'await-name', name: 'echo', present: true });
    const { echoes, errors } = await b!.run<{ echoes: number[]; errors: string[] }>({
      op: 'calls',
      name: 'echo',
      count: 10_000,
      window: 100,
    });
    expect(errors).toEqual([]);
    // Each reply carries its request's id: the replies are the requests, once each.
    expect(echoes).toHaveLength(10_000);
    expect(sorted(echoes)).toEqual(range(10_000));
    // And the callee handled each request once.
    const ledger = await a!.run<{ echoes: number[] }>({ op: 'ledger' });
    expect(sorted(ledger.echoes)).toEqual(range(10_000));
    expect([...a!.unhandled, ...b!.unhandled]).toEqual([]);
  }, 120_000);

  afterEach(() => {
    // No error went unhandled in this process either.
    expect(unhandled()).not.toHaveBeenCalled();
  });
});
