// A secured cluster (docs/design.md, "Remote › Identity"): per-node users with
// the permissions `clusterPermissions` gives, on a real nats-server. Forged
// stop, reply, no-responders, goodbye, heartbeat and internal-kind frames have
// no effect, whether an outsider or a member posing as another member sends
// them.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { firstValueFrom } from 'rxjs';
import { call, genServer, spawn, type Pid } from '../../src/index.js';
import { clusterPermissions, joinCluster, type ClusterNode } from '../../src/remote/index.js';
import { until, useUnhandledErrors } from '../support.js';
import { startServer, type NatsServer } from './nats-servers.js';

const cluster = 'sec';
const password = (user: string): string => `${user}-secret`;
const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

// A server whose only users are the three members, a guest with no cluster
// rights, and an admin the test reads subjects with.
const config = JSON.stringify({
  authorization: {
    users: [
      ...['a', 'b', 'mallory'].map((user) => ({
        user,
        password: password(user),
        permissions: clusterPermissions({ cluster, name: user }),
      })),
      {
        user: 'guest',
        password: password('guest'),
        permissions: { publish: { allow: ['guest.>'] }, subscribe: { allow: ['guest.>'] } },
      },
      { user: 'admin', password: password('admin') },
    ],
  },
});

const connectAs = (server: NatsServer, user: string): Promise<NatsConnection> =>
  connect({ servers: server.url, user, pass: password(user), inboxPrefix: `_INBOX_${user}` });

// A server that answers `get` with its count, and `slow` after `release`.
const counter = genServer({
  init: () => ({ n: 0, waiting: [] as unknown[] }),
  handleCall: (request: 'get' | 'slow' | 'release', from, state, ctx) => {
    if (request === 'slow')
      return { noreply: true as const, state: { ...state, waiting: [...state.waiting, from] } };
    if (request === 'release') {
      for (const waiting of state.waiting) ctx.reply(waiting as typeof from, 'released');
      return { reply: state.n, state: { ...state, waiting: [] } };
    }
    return { reply: state.n, state };
  },
});

describe('a secured cluster', () => {
  let server: NatsServer;
  const connections: NatsConnection[] = [];
  let a: ClusterNode;
  let b: ClusterNode;
  let victim: Pid;
  /** Each node's `<name>.<run>`, read off its heartbeats. */
  const runs = new Map<string, string>();
  const reported = useUnhandledErrors();

  beforeAll(async () => {
    server = await startServer({
      jetstream: true,
      config,
      probe: { user: 'admin', pass: password('admin') },
    });
    const admin = await connect({ servers: server.url, user: 'admin', pass: password('admin') });
    connections.push(admin);
    admin.subscribe(`${cluster}.f.*.*.hb`, {
      callback: (_error, message) => {
        const [, , name, run] = message.subject.split('.');
        runs.set(name!, run!);
      },
    });
    const [ncA, ncB] = await Promise.all([connectAs(server, 'a'), connectAs(server, 'b')]);
    connections.push(ncA, ncB);
    a = await joinCluster({
      connection: ncA,
      name: 'a',
      cluster,
      heartbeat: { interval: 200, missed: 5 },
    });
    b = await joinCluster({
      connection: ncB,
      name: 'b',
      cluster,
      heartbeat: { interval: 200, missed: 5 },
    });
    victim = spawn(counter, undefined);
    await a.registry.claim('victim', victim);
    await until(() => runs.has('a') && runs.has('b'), 'both nodes to see each other');
    await until(() => b.registry.whereis('victim') !== undefined, 'b to see the name');
  }, 60_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    for (const nc of connections) await nc.close();
    await server?.stop();
  });

  /** The subject a frame from `from` to `to` travels on. */
  const frameSubject = (from: string, to: string): string =>
    `${cluster}.f.${from}.${runs.get(from)!}.t.${to}.${runs.get(to)!}`;

  /**
   * Waits until node `to` has handled everything `nc` published before: a
   * greeting and a `whereis` from mallory, answered on mallory's own subject
   * (the server keeps one publisher's order to one subscriber).
   */
  async function barrier(nc: NatsConnection, to: string): Promise<void> {
    const run = `b${Math.random().toString(36).slice(2, 8)}`;
    const answered = new Promise<void>((resolve) => {
      const sub = nc.subscribe(`${cluster}.f.*.*.t.mallory.${run}`, {
        callback: (_error, message) => {
          if ((JSON.parse(new TextDecoder().decode(message.data)) as { t: string }).t !== 'where')
            return;
          sub.unsubscribe();
          resolve();
        },
      });
    });
    await nc.flush();
    const subject = `${cluster}.f.mallory.${run}.t.${to}.${runs.get(to)!}`;
    nc.publish(subject, encode({ t: 'hello', node: 'mallory' }));
    nc.publish(subject, encode({ t: 'whereis', q: 1, name: 'victim' }));
    await answered;
  }

  const publish = (nc: NatsConnection, subject: string, payload?: unknown): void =>
    nc.publish(subject, payload === undefined ? undefined : encode(payload));

  test('an anonymous client cannot connect at all', async () => {
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(
      /Authorization/i,
    );
  });

  test('a stop forged as another member, by a member or a guest, stops nothing', async () => {
    const mallory = await connectAs(server, 'mallory');
    const guest = await connect({ servers: server.url, user: 'guest', pass: password('guest') });
    connections.push(mallory, guest);
    const stopFrame = {
      t: 'stop',
      to: victim.id,
      reason: { kind: 'error', error: { name: 'Error', message: 'forged' } },
    };
    publish(mallory, frameSubject('b', 'a'), stopFrame);
    publish(guest, frameSubject('b', 'a'), stopFrame);
    await guest.flush();
    await barrier(mallory, 'a');
    expect(victim.target.reason).toBeUndefined();
    await expect(call(b.registry.whereis('victim')!, 'get')).resolves.toBe(0);
  });

  test('a message of an internal kind is dropped and counted, even from a member as itself', async () => {
    const mallory = await connectAs(server, 'mallory');
    connections.push(mallory);
    const to = `${cluster}.f.mallory.m0.t.a.${runs.get('a')!}`;
    const before = a.stats().badFrames;
    publish(mallory, to, { t: 'hello', node: 'mallory' });
    publish(mallory, to, { t: 'msg', to: victim.id, kind: 11, payload: null });
    await barrier(mallory, 'a');
    expect(a.stats().badFrames).toBe(before + 1);
    expect(reported().mock.calls).toEqual([[expect.objectContaining({ name: 'BadFrameError' })]]);
    expect(victim.target.reason).toBeUndefined();
    await expect(call(b.registry.whereis('victim')!, 'get')).resolves.toBe(0);
  });

  test('a reply or a no-responders answer forged to a waiting call is not taken', async () => {
    const mallory = await connectAs(server, 'mallory');
    connections.push(mallory);
    const remote = b.registry.whereis('victim')!;
    const waiting = call(remote, 'slow', { timeout: 20_000 });
    // As a itself is forbidden; as mallory, the refs are not mallory's to answer.
    for (let ref = 1; ref <= 20; ref++) {
      publish(mallory, frameSubject('a', 'b'), { t: 'reply', ref, value: 'forged' });
      publish(mallory, `${cluster}.nr.b.${runs.get('b')!}.a.${runs.get('a')!}.${ref}`);
    }
    const malloryTo = `${cluster}.f.mallory.m1.t.b.${runs.get('b')!}`;
    publish(mallory, malloryTo, { t: 'hello', node: 'mallory' });
    for (let ref = 1; ref <= 20; ref++) {
      publish(mallory, malloryTo, { t: 'reply', ref, value: 'forged' });
    }
    await barrier(mallory, 'b');
    await expect(call(remote, 'release')).resolves.toBe(0);
    await expect(waiting).resolves.toBe('released');
  });

  test('a goodbye or heartbeat forged for a member changes nobody’s view of it', async () => {
    const mallory = await connectAs(server, 'mallory');
    connections.push(mallory);
    publish(mallory, `${cluster}.f.a.${runs.get('a')!}.bye`);
    publish(mallory, `${cluster}.f.a.forgedrun.hb`);
    await barrier(mallory, 'b');
    expect(await firstValueFrom(b.nodes$)).toEqual(['a', 'mallory']);
    expect(b.registry.whereis('victim')).toBeDefined();
    await expect(call(b.registry.whereis('victim')!, 'get')).resolves.toBe(0);
  });
});
