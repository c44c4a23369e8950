// clusterSingleton on in-process nodes sharing one JetStream server: one owner among the nodes
// that declare it, handover on close, failover when a node vanishes, fencing when the owner is
// cut off from the bucket, and the name holding messages while the singleton moves.
// docs/design.md, "Cluster singletons".
import type { NatsConnection } from '@nats-io/transport-node';
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import {
  AlreadyRegisteredError,
  HoldOverflowError,
  NoProcError,
  call,
  cast,
  child,
  stop,
  deadLetters$,
  published$,
  supervise,
  type DeadLetter,
  type ExitReason,
  type Pid,
} from '../../src/index.js';
import {
  clusterSingleton,
  singletonVia,
  type ClusterNode,
  type SingletonEvent,
  type SingletonKv,
} from '../../src/remote/index.js';
import { errorOf, useNatsCluster } from '../remote/cluster-fixture.js';
import {
  leaseBucket,
  overlaps,
  singletonSpec,
  type SingletonProtocol,
} from './singleton-fixture.js';

const { join, fresh, clusterName, connectNats } = useNatsCluster('sg');

/**
 * Fast leases, yet slow enough that a loaded machine does not fence a live owner (which is
 * safe, but moves the singleton): the tests count in beats, never in ms.
 */
const beat = { interval: 100, missed: 6 };
type Proto = SingletonProtocol;

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
      singletonSpec(
        's',
        node.name,
        (line) => log.push(line),
        (mark) => options.ledger?.push(mark),
      ),
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
    expect(overlaps(log)).toEqual([]);
    expect(log.at(-1)).toBe(`up ${String(answers[0])}`);
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
    // Sent once the sender has heard the goodbye: before, the name there may still point at the
    // old owner's pid, and a message to it is lost with its node (at most once).
    const gone = firstValueFrom(sender.down$);
    await nodes.find((n) => n.name === owner)!.close();
    await gone;
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

  it('restarts on the same node after a crash, with messages sent meanwhile held for it', async () => {
    const log: string[] = [];
    const ledger: number[] = [];
    const { nodes } = await declared(2, log, { ledger });
    const owner = String(await where(nodes[0]!));
    const home = nodes.find((n) => n.name === owner)!;
    const address = singletonVia<Proto>(home, 's');
    cast(address, 'crash');
    cast(address, { mark: 1 });
    cast(address, { mark: 2 });
    expect(await call(address, 'where', { timeout: 20_000 })).toBe(owner);
    expect(ledger).toEqual([1, 2]);
    expect(log).toEqual([`up ${owner}`, `down ${owner}`, `up ${owner}`]);
  });

  it('publishes contending, running and left on each wrapper', async () => {
    const log: string[] = [];
    const { nodes, wrappers } = await declared(2, log);
    const owner = String(await where(nodes[0]!));
    const i = nodes.findIndex((n) => n.name === owner);
    const other = 1 - i;
    const running = untilEvent(wrappers[other]!, (e) => e.kind === 'running');
    const left = untilEvent(wrappers[i]!, (e) => e.kind === 'left');
    await nodes[i]!.close();
    await left;
    await running;
    expect(String(await where(nodes[other]!))).toBe(nodes[other]!.name);
  });

  it('refuses a second declaration of the same singleton on one node', async () => {
    const log: string[] = [];
    const { nodes } = await declared(1, log);
    const [node] = nodes;
    const nc = await connectNats();
    const again = clusterSingleton(
      node!,
      singletonSpec('s2', 'n0', (l) => log.push(l)),
      {
        bucket: await leaseBucket(nc, clusterName()),
        name: 's',
        heartbeat: beat,
      },
    );
    const exits: unknown[] = [];
    trees.push(
      supervise([{ ...again, restart: 'temporary' }]).subscribe((n) => {
        if (n.kind === 'child-exited') exits.push(n.reason);
      }),
    );
    expect(exits).toHaveLength(1);
    expect(errorOf(exits[0] as ExitReason)).toBeInstanceOf(AlreadyRegisteredError);
    expect(log).toEqual(['up n0']);
  });
});

describe('clusterSingleton edges', () => {
  it('a child that stops normally ends its wrapper and releases the lease: another node runs it', async () => {
    const log: string[] = [];
    const { nodes } = await declared(2, log);
    const owner = String(await where(nodes[0]!));
    const home = nodes.find((n) => n.name === owner)!;
    stop(home.registry.whereis('s')!);
    const next = String(await where(home));
    expect(next).not.toBe(owner);
    expect(log).toEqual([`up ${owner}`, `down ${owner}`, `up ${next}`]);
  });

  it("a start that throws is the wrapper's error exit", async () => {
    fresh();
    const nc = await connectNats();
    const [node] = await join('n0');
    const broken = child('s', () => {
      throw new Error('no start');
    });
    const spec = clusterSingleton(node, broken, {
      bucket: await leaseBucket(nc, clusterName()),
      heartbeat: beat,
    });
    const exited = new Promise<ExitReason>((resolve) =>
      trees.push(
        supervise([{ ...spec, restart: 'temporary' }]).subscribe((n) => {
          if (n.kind === 'child-exited') resolve(n.reason);
        }),
      ),
    );
    expect((errorOf(await exited) as Error).message).toBe('no start');
  });

  it('a lease watch that ends is opened again: a handover is still seen', async () => {
    const log: string[] = [];
    let watches = 0;
    // Node n1's first watch to tell anything tells one value (n0's lease), then ends; n0 closes
    // only after that (n1's first watch may still be opening when the singleton answers through
    // the name), so only a reopened watch shows the handover.
    let cut = false;
    let told!: () => void;
    const toldOnce = new Promise<void>((resolve) => (told = resolve));
    const { nodes } = await declared(2, log, {
      bucket: (real, i) =>
        i === 0
          ? real
          : {
              create: (key, value) => real.create(key, value),
              update: (key, value, version) => real.update(key, value, version),
              delete: (key, options) => real.delete(key, options),
              watch: async (options) => {
                const watch = await real.watch(options);
                watches++;
                if (cut) return watch;
                // Tells the current value, then ends.
                const once = async function* () {
                  for await (const entry of watch) {
                    yield entry;
                    // Resumed: the lease has taken the entry in.
                    cut = true;
                    told();
                    break;
                  }
                  watch.stop();
                };
                return Object.assign(once(), { stop: () => watch.stop() });
              },
            },
    });
    expect(await where(nodes[1]!)).toBe('n0');
    await toldOnce;
    // Asked once n1 has heard the goodbye: before, the name there may still point at n0's pid.
    const gone = firstValueFrom(nodes[1]!.down$);
    await nodes[0]!.close();
    await gone;
    expect(await where(nodes[1]!)).toBe('n1');
    expect(watches).toBeGreaterThan(1);
    expect(log).toEqual(['up n0', 'down n0', 'up n1']);
  });
});

describe('singletonVia', () => {
  let letters: DeadLetter[] = [];
  let watching: Subscription;
  beforeEach(() => {
    letters = [];
    watching = deadLetters$.subscribe((l) => letters.push(l));
  });
  afterEach(() => watching.unsubscribe());

  it('holds up to holdBound messages while no node runs the singleton; the rest are dead letters', async () => {
    fresh();
    const [node] = await join('lonely');
    const address = singletonVia<Proto>(node, 'nobody', { holdBound: 2 });
    expect(cast(address, { mark: 1 })).toBe(true);
    expect(cast(address, { mark: 2 })).toBe(true);
    expect(cast(address, { mark: 3 })).toBe(false);
    expect(letters.map((l) => l.message)).toEqual([{ mark: 3 }]);
    expect(errorOf(letters[0]!.reason)).toBeInstanceOf(HoldOverflowError);
    // The node leaves: what it held can reach no one.
    await node.close();
    expect(letters.map((l) => l.message)).toEqual([{ mark: 3 }, { mark: 1 }, { mark: 2 }]);
    expect(errorOf(letters[1]!.reason)).toBeInstanceOf(NoProcError);
    expect(errorOf(letters[2]!.reason)).toBeInstanceOf(NoProcError);
    expect(cast(address, { mark: 4 })).toBe(false);
  });
});
