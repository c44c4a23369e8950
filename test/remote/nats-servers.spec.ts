import { JetStreamApiError } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { startCluster, startServer, type NatsCluster, type NatsServer } from './nats-servers.js';

const sc = {
  encode: (text: string) => new TextEncoder().encode(text),
  decode: (bytes: Uint8Array) => new TextDecoder().decode(bytes),
};
const connections: NatsConnection[] = [];

/** A client pinned to `url`: it neither hops to another cluster member nor reconnects. */
async function client(url: string): Promise<NatsConnection> {
  const nc = await connect({ servers: url, ignoreClusterUpdates: true, reconnect: false });
  connections.push(nc);
  return nc;
}

afterEach(async () => {
  for (const nc of connections.splice(0)) if (!nc.isClosed()) await nc.close();
});

/** The errno code `process.kill(pid, 0)` fails with, or 'alive' when the process exists. */
function probePid(pid: number): string {
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'unknown';
  }
}

describe('startServer', () => {
  let server: NatsServer;

  beforeAll(async () => {
    server = await startServer({ jetstream: true });
  }, 60_000);

  afterAll(async () => {
    // undefined when beforeAll failed: startServer then cleaned up after itself.
    if (server === undefined) return;
    await server.stop();
  }, 30_000);

  test('gives a loopback URL on a port of its own', () => {
    expect(server.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toBe('nats://127.0.0.1:4222');
    expect(server.urls).toEqual([server.url]);
    expect(probePid(server.pid)).toBe('alive');
  });

  test('JetStream is ready: a second KV create on one key fails with err_code 10071', async () => {
    const nc = await client(server.url);
    const kv = await new Kvm(nc).create('single');
    expect(await kv.create('key', sc.encode('first'))).toBe(1);
    const second = await kv.create('key', sc.encode('second')).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(JetStreamApiError);
    expect((second as JetStreamApiError).code).toBe(10071);
    expect(sc.decode((await kv.get('key'))?.value ?? new Uint8Array())).toBe('first');
  }, 30_000);
});

/**
 * Publishes on `publisher` until `subscriber` receives: a subscription reaches the other
 * servers of a cluster asynchronously, so the first publishes may find no interest there yet.
 */
async function publishUntilReceived(
  publisher: NatsConnection,
  subscriber: NatsConnection,
  subject: string,
  text: string,
): Promise<Msg> {
  const subscription = subscriber.subscribe(subject, { max: 1 });
  const received = (async () => {
    for await (const msg of subscription) return msg;
    throw new Error(`subscription to ${subject} ended without a message`);
  })();
  await subscriber.flush();
  let done = false;
  void received.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    publisher.publish(subject, sc.encode(text));
    await publisher.flush();
    await Promise.race([received, new Promise((resolve) => setTimeout(resolve, 50))]);
  }
  return received;
}

describe('startCluster', () => {
  let cluster: NatsCluster;

  beforeAll(async () => {
    cluster = await startCluster(3, { jetstream: true });
  }, 60_000);

  afterAll(async () => {
    if (cluster === undefined) return;
    await cluster.stop();
  }, 30_000);

  test('three distinct servers, each with its own name and loopback URL', () => {
    expect(cluster.servers).toHaveLength(3);
    expect(new Set(cluster.urls).size).toBe(3);
    expect(new Set(cluster.servers.map((s) => s.name)).size).toBe(3);
    expect(cluster.urls).toEqual(cluster.servers.map((s) => s.url));
    for (const url of cluster.urls) expect(url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
  });

  test('a message published on server 2 reaches a subscriber on server 0', async () => {
    const [url0, , url2] = cluster.urls;
    const subscriber = await client(url0 ?? '');
    const publisher = await client(url2 ?? '');
    const msg = await publishUntilReceived(publisher, subscriber, 'routed.hello', 'over the route');
    expect(sc.decode(msg.data)).toBe('over the route');
    expect(subscriber.info?.port).not.toBe(publisher.info?.port);
  }, 60_000);

  test('a KV bucket with 3 replicas created via server 1 is readable via server 2', async () => {
    const [, url1, url2] = cluster.urls;
    const writer = await client(url1 ?? '');
    const reader = await client(url2 ?? '');
    // Without direct gets a read goes through the stream leader, so it sees every
    // acknowledged write whichever server the reader is connected to.
    const options = { replicas: 3, allow_direct: false };
    const written = await new Kvm(writer).create('replicated', options);
    await written.put('greeting', sc.encode('hello'));
    const status = await written.status();
    expect(status.replicas).toBe(3);
    const read = await new Kvm(reader).create('replicated', options);
    expect(sc.decode((await read.get('greeting'))?.value ?? new Uint8Array())).toBe('hello');
  }, 60_000);
});

describe('stop and kill', () => {
  test('stop() ends the server process and it no longer accepts clients', async () => {
    const server = await startServer();
    await server.stop();
    expect(probePid(server.pid)).toBe('ESRCH');
    await expect(
      connect({ servers: server.url, reconnect: false, timeout: 2_000 }),
    ).rejects.toThrow();
    // A second stop() is harmless.
    await server.stop();
  }, 60_000);

  test('kill() ends a JetStream server at once', async () => {
    const server = await startServer({ jetstream: true });
    await server.kill();
    expect(probePid(server.pid)).toBe('ESRCH');
    // The files a killed server keeps for a restart go with stop().
    await server.stop();
  }, 60_000);

  test('restart() after kill(): the same URL, a new process, and the JetStream store kept', async () => {
    const server = await startServer({ jetstream: true });
    try {
      const before = await client(server.url);
      const kv = await new Kvm(before).create('kept');
      await kv.put('key', sc.encode('value'));
      const oldPid = server.pid;
      await server.kill();
      expect(probePid(oldPid)).toBe('ESRCH');
      await server.restart();
      expect(server.pid).not.toBe(oldPid);
      expect(probePid(server.pid)).toBe('alive');
      const after = await client(server.url);
      const reopened = await new Kvm(after).open('kept');
      expect(sc.decode((await reopened.get('key'))?.value ?? new Uint8Array())).toBe('value');
    } finally {
      await server.stop();
    }
  }, 60_000);

  test('cluster.stop() ends every server, also after one of them was killed', async () => {
    const cluster = await startCluster(3);
    const pids = cluster.servers.map((s) => s.pid);
    await cluster.servers[1]?.kill();
    await cluster.stop();
    expect(pids.map(probePid)).toEqual(['ESRCH', 'ESRCH', 'ESRCH']);
  }, 60_000);

  test('startCluster refuses a size that is not a positive integer', async () => {
    await expect(startCluster(0)).rejects.toBeInstanceOf(RangeError);
    await expect(startCluster(1.5)).rejects.toBeInstanceOf(RangeError);
  });
});
