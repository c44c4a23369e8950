// Edge cases of joinCluster and its registry, each against a
// real JetStream nats-server. Each test states what README "Going distributed"
// promises.
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { firstValueFrom, interval, map, take } from 'rxjs';
import {
  Registry,
  call,
  cast,
  child,
  genServer,
  send,
  spawn,
  stop,
  supervise,
  via,
  type CallRef,
  type Pid,
  type Protocol,
} from '../../src/index.js';
import { NodeDownError, connectNode, natsLink } from '../../src/remote/index.js';
import { collector, errorOf, seen, until, useNatsCluster } from './cluster-fixture.js';
import { exitOf, useDeadLetters, useUnhandledErrors } from '../support.js';

const unhandled = useUnhandledErrors();
const deadLetters = useDeadLetters();

/** A counter: cast 'inc', call 'get'; any info message is accepted. */
const counter = genServer<{
  state: number;
  args: number;
  call: 'get';
  reply: number;
  cast: 'inc';
  info: unknown;
}>()({
  init: (n) => n,
  handleCall: (_req, _from, n) => ({ reply: n, state: n }),
  handleCast: (_req, n) => n + 1,
  handleInfo: (_msg, n) => n,
});

const { connectNats, clusterName, fresh, join, cluster } = useNatsCluster('r');

/** A few round trips to the server: enough for anything that would settle at all. */
async function settle(nc: NatsConnection, rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await nc.flush();
}

/** Polls `read` every 5 ms until `test` holds. */
const poll = <T>(read: () => T, test: (value: T) => boolean): Promise<T> =>
  until(interval(5).pipe(map(read)), test);

describe('joinCluster: names of lost or departed nodes', () => {
  test('after close(), a send through a name of another node\u2019s supervised child is a dead letter, not held forever', async () => {
    const {
      nodes: [a, b],
      ncs: [ncA],
    } = await cluster(2);
    const tree = supervise([child('w', () => counter.start(0))], {
      registry: b!.registry,
    }).subscribe();
    try {
      await seen(a!, 'w');
      await a!.close();
      // README: after close "local actors keep running"; a send through a name
      // whose node is unreachable has nowhere to go: false and a dead letter.
      const sent = send(via<Protocol>(a!.registry, 'w'), 'hello');
      await settle(ncA!);
      expect(sent).toBe(false);
      expect(deadLetters().some((l) => l.message === 'hello')).toBe(true);
    } finally {
      tree.unsubscribe();
    }
  }, 30_000);

  test('failover on down$: the lost node\u2019s supervised name can be taken at once', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    const tree = supervise([child('svc', () => counter.start(0))], {
      registry: a!.registry,
    }).subscribe();
    try {
      await seen(b!, 'svc');
      let failure: unknown = null;
      const replacement = spawn(counter, 0);
      const done = firstValueFrom(
        b!.down$.pipe(
          take(1),
          map(() => {
            // README: "react to ... node.down$, and start a replacement where you want it".
            try {
              b!.registry.register('svc', replacement);
            } catch (error) {
              failure = error;
            }
          }),
        ),
      );
      await a!.close();
      await done;
      expect(failure).toBeNull();
      expect(b!.registry.whereis('svc')).toBe(replacement);
    } finally {
      tree.unsubscribe();
    }
  }, 30_000);

  test('a departed node\u2019s pid passed on by a third node arrives dead; the node is not met again', async () => {
    const {
      nodes: [a, b, c],
    } = await cluster(3);
    await a!.registry.claim('pa', spawn(counter, 0));
    const got: unknown[] = [];
    await c!.registry.claim('col', spawn(collector, got));
    const paOnB = await seen(b!, 'pa');
    await seen(b!, 'col');
    await until(c!.nodes$, (names) => names.includes('n0'));
    const downOnC = firstValueFrom(c!.down$);
    const downOnB = firstValueFrom(b!.down$);
    await a!.close();
    await downOnB;
    await downOnC;
    expect(exitOf(paOnB)).toBeDefined();
    cast(via<Protocol>(b!.registry, 'col'), { pid: paOnB });
    await poll(
      () => got.length,
      (n) => n === 1,
    );
    const paOnC = (got[0] as { pid: Pid }).pid;
    // Expected: n0 stays gone on c, and the pid it was handed is known dead.
    expect(await firstValueFrom(c!.nodes$)).not.toContain('n0');
    expect(errorOf(exitOf(paOnC))).toBeInstanceOf(NodeDownError);
  }, 30_000);

  test('close() with a registration in flight leaves no name of the departed node in the bucket', async () => {
    const {
      nodes: [a],
    } = await cluster(1);
    a!.registry.register('late', spawn(counter, 0));
    await a!.close();
    // README: close() is "a goodbye to the others, then this node's names leave the registry".
    const [late] = await join('late-joiner');
    expect(late.registry.whereis('late')).toBeUndefined();
  }, 30_000);

  test('a node that comes back under the same name can name its supervised child again', async () => {
    fresh();
    const [first, nc1] = await join('n0');
    await first.registry.claim('worker', spawn(counter, 0));
    // The process dies without a goodbye; it is restarted under the same name.
    await nc1.close();
    const [again] = await join('n0');
    const kinds: string[] = [];
    const tree = supervise([child('worker', () => counter.start(0))], {
      registry: again.registry,
    }).subscribe((event) => kinds.push(event.kind));
    try {
      const outcome = await poll(
        () => {
          const pid = again.registry.whereis('worker');
          if (pid !== undefined && pid.node === undefined) return 'named';
          return kinds.includes('give-up') ? 'gave up' : null;
        },
        (o) => o !== null,
      );
      // Node names are unique in the cluster, so the old run's values are known stale.
      expect(outcome).toBe('named');
    } finally {
      tree.unsubscribe();
    }
  }, 30_000);
});

describe('joinCluster: held messages across nodes', () => {
  test('a held message the codec cannot encode does not cost the name or the messages behind it', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2);
    const tree = supervise([child('w', () => counter.start(0))], {
      registry: a!.registry,
      backoff: { min: 300, max: 300 },
    }).subscribe();
    try {
      const first = await seen(b!, 'w');
      const name = via<Protocol>(b!.registry, 'w');
      let held: boolean[] = [];
      // While the name is pending on b (between the exit and the restart), send through it.
      const watch = b!.registry.whereis$('w').subscribe((p) => {
        if (p === undefined && held.length === 0) {
          held = [send(name, { f: () => 1 }), cast(name, 'inc')];
        }
      });
      stop(first, { kind: 'error', error: new Error('crash') });
      const second = await poll(
        () => a!.registry.whereis('w'),
        (p) => p !== undefined && p.id !== first.id,
      );
      // A later write on a: once b sees it, b has applied every earlier change of the bucket.
      await a!.registry.claim('marker', spawn(counter, 0));
      await seen(b!, 'marker');
      watch.unsubscribe();
      expect(held).toEqual([true, true]);
      // Expected: the name follows the restart on b, the un-encodable message is a
      // dead letter, and the cast held behind it reaches the next incarnation.
      expect(b!.registry.whereis('w')?.id).toBe(second!.id);
      expect(
        deadLetters().some((l) => typeof (l.message as { f?: unknown }).f === 'function'),
      ).toBe(true);
      expect(await call(via<Protocol>(b!.registry, 'w'), 'get', { timeout: 20_000 })).toBe(1);
    } finally {
      tree.unsubscribe();
    }
  }, 30_000);
});

describe('joinCluster: leaving and the bucket', () => {
  test('claim after close() settles (rejects) instead of hanging', async () => {
    const {
      nodes: [a],
      ncs: [nc],
    } = await cluster(1);
    await a!.close();
    let settled = false;
    a!.registry.claim('after', spawn(counter, 0)).then(
      () => (settled = true),
      () => (settled = true),
    );
    await settle(nc!);
    expect(settled).toBe(true);
  }, 30_000);

  test('the connection closing with a registration in flight leaves the local actor running', async () => {
    const {
      nodes: [a],
      ncs: [nc],
    } = await cluster(1);
    const pid = spawn(counter, 0);
    a!.registry.register('inflight', pid);
    await nc!.close();
    // A write in flight is cut off with the connection: no retry may end the actor.
    await firstValueFrom(interval(400));
    // README: "When a node's own connection closes ... local actors keep running".
    expect(exitOf(pid)).toBeUndefined();
  }, 30_000);

  test('close() with the bucket unavailable still leaves the cluster', async () => {
    const {
      nodes: [a, b],
      ncs: [ncA],
    } = await cluster(2);
    await a!.registry.claim('x', spawn(counter, 0));
    await seen(b!, 'x');
    await until(b!.nodes$, (names) => names.includes('n0'));
    // JetStream loses the bucket's stream (as when it has no leader: requests answered 503).
    const jsm = await jetstreamManager(ncA!);
    await jsm.streams.delete(`KV_${clusterName()}_names`);
    const closing = a!.close().then(
      () => 'resolved',
      (error: unknown) => `rejected: ${String(error)}`,
    );
    expect(await closing).toBe('resolved');
    // And a has stopped heartbeating: b does not meet it again.
    await firstValueFrom(interval(600));
    expect(await firstValueFrom(b!.nodes$)).not.toContain('n0');
    unhandled().mockClear();
  }, 30_000);
});

describe('joinCluster: the connection closing under a node', () => {
  test('a cast to a remote pid while the connection is closing does not throw a codec TypeError', async () => {
    const {
      nodes: [a, b],
      ncs: [, ncB],
    } = await cluster(2);
    await a!.registry.claim('c', spawn(counter, 0));
    const remote = await seen(b!, 'c');
    const closing = ncB!.close();
    // README: at-most-once; a frame sent while cut off "is lost without notice".
    let thrown: unknown = null;
    try {
      cast(remote, 'inc');
    } catch (error) {
      thrown = error;
    }
    await closing;
    expect(thrown).toBeNull();
  }, 30_000);

  test('a local actor replying to a remote caller while the connection is closing keeps running', async () => {
    const {
      nodes: [a, b],
      ncs: [ncA],
    } = await cluster(2);
    // Defers each call's reply until it is cast 'answer'.
    const deferred = genServer<{
      state: CallRef | null;
      args: null;
      call: 'ask';
      reply: number;
      cast: 'answer';
      info: never;
    }>()({
      init: () => null,
      handleCall: (_req, from) => ({ noreply: true, state: from }),
      handleCast: (_req, from, ctx) => {
        if (from !== null) ctx.reply(from, 42);
        return null;
      },
    });
    const local = spawn(deferred, null);
    await a!.registry.claim('d', local);
    const remote = await seen(b!, 'd');
    const answer = call(remote, 'ask', { timeout: 20_000 }).catch((e: unknown) => e);
    await poll(
      () => local.target.reason === undefined,
      (alive) => alive,
    );
    await settle(ncA!);
    const closing = ncA!.close();
    let thrown: unknown = null;
    try {
      cast(local, 'answer');
    } catch (error) {
      thrown = error;
    }
    await closing;
    await answer;
    // Expected: the reply is lost like any frame to a cut-off node; nothing escapes
    // into the local sender, and the actor lives on.
    expect(thrown).toBeNull();
    expect(exitOf(local)).toBeUndefined();
    expect(unhandled()).not.toHaveBeenCalled();
  }, 30_000);
});

describe('natsLink between two processes', () => {
  test('the node that starts first is named on the other side (its hello is not lost)', async () => {
    const run = fresh();
    const [nameA, nameB] = [`a${run}`, `b${run}`];
    const ncA = await connectNats();
    const ncB = await connectNats();
    const heartbeat = { interval: 200, missed: 10 };
    // As README's two processes do: each subscribes, flushes, then connects its node.
    const linkA = natsLink({ connection: ncA, node: nameA, peer: nameB });
    await ncA.flush();
    const registry = new Registry();
    registry.register('counter', spawn(counter, 0));
    const a = connectNode({ name: nameA, link: linkA, registry, heartbeat });
    await ncA.flush();
    const linkB = natsLink({ connection: ncB, node: nameB, peer: nameA });
    await ncB.flush();
    const b = connectNode({ name: nameB, link: linkB, heartbeat });
    try {
      const remote = await b.whereis('counter');
      expect(a.peer).toBe(nameB);
      expect(b.peer).toBe(nameA);
      expect(remote?.node).toBe(nameA);
    } finally {
      a.close();
      b.close();
    }
  }, 30_000);
});
