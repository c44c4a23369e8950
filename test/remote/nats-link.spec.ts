import { deserialize, serialize } from 'node:v8';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { firstValueFrom } from 'rxjs';
import {
  ActorExitError,
  NoProcError,
  call,
  cast,
  genServer,
  spawn,
  type ExitReason,
  type Pid,
} from '../../src/index.js';
import {
  NodeDownError,
  connectNode,
  natsLink,
  type ConnectedNode,
} from '../../src/remote/index.js';
import { useUnhandledErrors } from '../support.js';
import { startServer, type NatsServer } from './nats-servers.js';

useUnhandledErrors();

/** A counter: cast 'inc', call 'get' / 'crash'. */
const counter = genServer<{
  state: number;
  args: number;
  call: 'get' | 'crash';
  reply: unknown;
  cast: 'inc';
  info: never;
}>()({
  init: (n) => n,
  handleCall: (req, _from, n) => {
    if (req === 'crash') throw new RangeError('bad request');
    return { reply: n, state: n };
  },
  handleCast: (_req, n) => n + 1,
});

let server: NatsServer;
const connections: NatsConnection[] = [];
const nodes: ConnectedNode[] = [];

beforeAll(async () => {
  server = await startServer();
}, 60_000);

afterAll(async () => {
  // undefined when beforeAll failed: startServer then cleaned up after itself.
  if (server === undefined) return;
  await server.stop();
}, 30_000);

afterEach(async () => {
  for (const node of nodes.splice(0)) node.close();
  for (const nc of connections.splice(0)) if (!nc.isClosed()) await nc.close();
});

let run = 0;

/** Two nodes, each on its own connection to the server; `a` exports a counter as 'counter'. */
async function twoNodes(): Promise<{
  a: ConnectedNode;
  b: ConnectedNode;
  ncA: NatsConnection;
  ncB: NatsConnection;
}> {
  // Fresh names per test: a late frame from an earlier test never reaches this one.
  run += 1;
  const [nameA, nameB] = [`a${run}`, `b${run}`];
  const ncA = await connect({ servers: server.url });
  const ncB = await connect({ servers: server.url });
  connections.push(ncA, ncB);
  const linkA = natsLink({ connection: ncA, node: nameA, peer: nameB });
  const linkB = natsLink({ connection: ncB, node: nameB, peer: nameA });
  // Both subscriptions are on the server before either node says hello.
  await Promise.all([ncA.flush(), ncB.flush()]);
  // Generous: a busy CI machine must not see a live peer as down (down after 2 s of silence).
  const heartbeat = { interval: 200, missed: 10 };
  const a = connectNode({ name: nameA, link: linkA, heartbeat });
  const b = connectNode({ name: nameB, link: linkB, heartbeat });
  nodes.push(a, b);
  return { a, b, ncA, ncB };
}

async function remoteCounter(): Promise<{
  local: Pid;
  remote: Pid;
  a: ConnectedNode;
  b: ConnectedNode;
  ncA: NatsConnection;
  ncB: NatsConnection;
}> {
  const nodes = await twoNodes();
  const local = spawn(counter, 0);
  nodes.a.registry.register('counter', local);
  const remote = await nodes.b.whereis('counter');
  if (remote === undefined) throw new Error('counter not found over NATS');
  return { local, remote, ...nodes };
}

const exitReason = (pid: Pid): Promise<ExitReason> => firstValueFrom(pid.exit$);

describe('natsLink: two nodes over a real nats-server', () => {
  test('whereis finds a remote pid; an unknown name gives undefined', async () => {
    const { remote, local, a, b } = await remoteCounter();
    expect(remote.node).toBe(a.name);
    expect(remote.id).toBe(local.id);
    expect(await b.whereis('nobody')).toBeUndefined();
  }, 30_000);

  test('cast then call: the call sees the casts, in order', async () => {
    const { remote } = await remoteCounter();
    expect(cast(remote, 'inc')).toBe(true);
    expect(cast(remote, 'inc')).toBe(true);
    expect(cast(remote, 'inc')).toBe(true);
    expect(await call(remote, 'get', { timeout: 20_000 })).toBe(3);
  }, 30_000);

  test('a crash in the handler rejects the call with ActorExitError; then noproc', async () => {
    const { remote, local } = await remoteCounter();
    const crash = await call(remote, 'crash', { timeout: 20_000 }).catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(ActorExitError);
    const reason = (crash as ActorExitError).reason;
    expect(reason.kind).toBe('error');
    expect((reason as { error: Error }).error.message).toBe('bad request');
    expect((await exitReason(local)).kind).toBe('error');
    // The remote pid exits too, with the same reason.
    expect((await exitReason(remote)).kind).toBe('error');
    // A call to the dead pid is answered noproc by its node.
    await expect(call(remote, 'get', { timeout: 20_000 })).rejects.toBeInstanceOf(NoProcError);
  }, 30_000);

  test('a message that cannot be encoded throws at send and nothing is sent', async () => {
    const { remote } = await remoteCounter();
    expect(() => cast(remote, () => 'inc')).toThrow(TypeError);
    expect(await call(remote, 'get', { timeout: 20_000 })).toBe(0);
  }, 30_000);

  test("one side's connection closes: the other side sees NodeDownError; its pids exit", async () => {
    const { remote, a, b, ncA } = await remoteCounter();
    // Node a's connection ends: its link completes there, and b hears no more heartbeats.
    await ncA.close();
    const downHere = await firstValueFrom(a.down$);
    expect(downHere).toBeInstanceOf(NodeDownError);
    const downThere = await firstValueFrom(b.down$);
    expect(downThere).toBeInstanceOf(NodeDownError);
    expect(downThere.node).toBe(a.name);
    const reason = await exitReason(remote);
    expect(reason.kind).toBe('error');
    expect((reason as { error: Error }).error).toBeInstanceOf(NodeDownError);
    await expect(call(remote, 'get', { timeout: 20_000 })).rejects.toBeInstanceOf(Error);
  }, 30_000);

  test('close() on one node: the peer learns it at once from the goodbye', async () => {
    const { a, b } = await twoNodes();
    a.close();
    const down = await firstValueFrom(b.down$);
    expect(down).toBeInstanceOf(NodeDownError);
    expect(down.why).toBe('closed by peer');
  }, 30_000);

  test('a v8 codec carries what JSON cannot: a Date stays a Date', async () => {
    run += 1;
    const ncA = await connect({ servers: server.url });
    const ncB = await connect({ servers: server.url });
    connections.push(ncA, ncB);
    const codec = { encode: serialize, decode: deserialize };
    const linkA = natsLink({ connection: ncA, node: `v${run}`, peer: `w${run}`, codec });
    const linkB = natsLink({ connection: ncB, node: `w${run}`, peer: `v${run}`, codec });
    await Promise.all([ncA.flush(), ncB.flush()]);
    const received = firstValueFrom(linkB.incoming$);
    linkA.send({ at: new Date(0), tags: new Set(['x']) });
    expect(await received).toEqual({ at: new Date(0), tags: new Set(['x']) });
    linkA.close();
    linkB.close();
  }, 30_000);

  test('the default JSON codec refuses a function: send throws', async () => {
    const nc = await connect({ servers: server.url });
    connections.push(nc);
    const link = natsLink({ connection: nc, node: 'solo', peer: 'nobody' });
    expect(() => link.send({ f: () => 1 })).toThrow(TypeError);
    link.close();
  }, 30_000);

  test('a stray publish on a node subject that is not a frame is ignored', async () => {
    const { remote, a, b, ncB } = await remoteCounter();
    ncB.publish(`rxotp.link.${b.name}.${a.name}`, new TextEncoder().encode('not json {'));
    expect(cast(remote, 'inc')).toBe(true);
    expect(await call(remote, 'get', { timeout: 20_000 })).toBe(1);
  }, 30_000);

  test('bad options throw a TypeError', () => {
    expect(() => natsLink({ connection: {} as NatsConnection, node: 'a', peer: 'b' })).toThrow(
      TypeError,
    );
  });

  test('a node name that is not one subject token throws a TypeError', async () => {
    const connection = await connect({ servers: server.url });
    connections.push(connection);
    expect(() => natsLink({ connection, node: 'a.b', peer: 'c' })).toThrow(TypeError);
    expect(() => natsLink({ connection, node: 'a', peer: '>' })).toThrow(TypeError);
    expect(() => natsLink({ connection, node: '', peer: 'c' })).toThrow(TypeError);
  }, 30_000);
});
