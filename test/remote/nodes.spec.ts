import { firstValueFrom, map, timer } from 'rxjs';
import {
  ActorExitError,
  NoProcError,
  Registry,
  call,
  cast,
  genServer,
  published$,
  send,
  spawn,
  state$,
  stop,
  via,
  type ExitReason,
  type Pid,
} from '../../src/index.js';
import {
  NodeDownError,
  connectNode,
  linkPair,
  type ConnectedNode,
} from '../../src/remote/index.js';
import { useDeadLetters, useUnhandledErrors } from '../support.js';

const unhandledErrors = useUnhandledErrors();
const deadLetters = useDeadLetters();

/** A counter: cast 'inc', info { add }, call 'get' / 'crash' / 'never'. */
const counter = genServer<{
  state: number;
  args: number;
  call: 'get' | 'crash' | 'never' | 'fn';
  reply: unknown;
  cast: 'inc';
  info: { add: number };
}>()({
  init: (n) => n,
  handleCall: (req, _from, n) => {
    if (req === 'crash') throw new RangeError('bad request');
    if (req === 'never') return { noreply: true, state: n };
    if (req === 'fn') return { reply: () => n, state: n };
    return { reply: n, state: n };
  },
  handleCast: (_req, n) => n + 1,
  handleInfo: (msg, n) => n + msg.add,
});

let nodes: ConnectedNode[] = [];
afterEach(() => {
  for (const node of nodes) node.close();
  nodes = [];
});

/** Two nodes over an in-process pair: `server` exports `registry`, `client` looks names up. */
function pair(registry = new Registry()): { server: ConnectedNode; client: ConnectedNode } {
  const [a, b] = linkPair();
  const server = connectNode({ name: 'server', link: a, registry, heartbeat: false });
  const client = connectNode({ name: 'client', link: b, heartbeat: false });
  nodes.push(server, client);
  return { server, client };
}

async function remoteCounter(
  start = 0,
): Promise<{ local: Pid; remote: Pid; client: ConnectedNode; server: ConnectedNode }> {
  const { server, client } = pair();
  const local = spawn(counter, start);
  server.registry.register('counter', local);
  const remote = await client.whereis('counter');
  if (remote === undefined) throw new Error('counter not found');
  return { local, remote, client, server };
}

const exitReason = (pid: Pid): Promise<ExitReason> => firstValueFrom(pid.exit$);

describe('remote pids over an in-process link pair', () => {
  test('whereis gives a remote pid that knows its node; an unknown name gives undefined', async () => {
    const { remote, local, client } = await remoteCounter();
    expect(remote.node).toBe('server');
    expect(local.node).toBeUndefined();
    expect(remote.id).toBe(local.id);
    expect(String(remote)).toBe(`<pid ${local.id}@server counter>`);
    expect(await client.whereis('counter')).toBe(remote);
    expect(await client.whereis('nobody')).toBeUndefined();
    expect(client.peer).toBe('server');
  });

  test('send and cast reach the remote actor in order; call answers', async () => {
    const { remote } = await remoteCounter(10);
    expect(cast(remote, 'inc')).toBe(true);
    expect(send(remote, { add: 5 })).toBe(true);
    expect(cast(remote, 'inc')).toBe(true);
    expect(await call(remote, 'get')).toBe(17);
  });

  test('stop ends the remote actor with the reason, and exit$ tells the caller node', async () => {
    const { remote, local } = await remoteCounter();
    const exited = exitReason(remote);
    expect(stop(remote, { kind: 'error', error: new Error('shut') })).toBe(true);
    const reason = await exited;
    expect(reason.kind).toBe('error');
    const error = (reason as { error: Error }).error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('shut');
    expect((await exitReason(local)).kind).toBe('error');
    expect(stop(remote)).toBe(false);
    unhandledErrors().mockClear();
  });

  test('a normal exit crosses as normal', async () => {
    const { remote } = await remoteCounter();
    const exited = exitReason(remote);
    stop(remote);
    expect(await exited).toEqual({ kind: 'normal' });
  });

  test('a call to a remote pid that has exited rejects with NoProcError', async () => {
    const { remote } = await remoteCounter();
    stop(remote);
    await exitReason(remote);
    await expect(call(remote, 'get')).rejects.toBeInstanceOf(NoProcError);
    expect(send(remote, { add: 1 })).toBe(false);
    expect(deadLetters().map((d) => d.kind)).toEqual(['call', 'info']);
  });

  test('a call that reaches the peer after its actor exited rejects with NoProcError (the peer answers noproc)', async () => {
    const { remote, local } = await remoteCounter();
    // Stopped on its own node: the caller's node has not heard of it yet.
    stop(local);
    const error = await call(remote, 'get').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoProcError);
    expect((error as NoProcError).target).toBe(String(remote));
  });

  test('a handler crash rejects the call with ActorExitError holding the reason', async () => {
    const { remote } = await remoteCounter();
    const exited = exitReason(remote);
    const error = await call(remote, 'crash').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActorExitError);
    const reason = (error as ActorExitError).reason;
    expect(reason.kind).toBe('error');
    const cause = (reason as { error: Error }).error;
    // Errors cross as name and message: the class itself does not survive.
    expect(cause.name).toBe('RangeError');
    expect(cause.message).toBe('bad request');
    expect((await exited).kind).toBe('error');
  });

  test('a message that cannot be cloned fails at send with a TypeError and nothing is sent', async () => {
    const { remote } = await remoteCounter();
    expect(() => send(remote, { add: 1, f: () => 1 })).toThrow(/cannot cross nodes/);
    await expect(call(remote, () => 1 as never)).rejects.toBeInstanceOf(TypeError);
    expect(await call(remote, 'get')).toBe(0);
  });

  test('a reply that cannot be cloned rejects the call with the clone error', async () => {
    const { remote } = await remoteCounter();
    const error = await call(remote, 'fn').catch((e: unknown) => e);
    expect((error as Error).name).toBe('DataCloneError');
  });

  test('a supervised name is looked up again after the node lost its pid', async () => {
    const registry = new Registry();
    const { client } = pair(registry);
    const first = spawn(counter, 1, { name: 'c', registry });
    const remote1 = await client.whereis('c');
    stop(first);
    await exitReason(remote1!);
    spawn(counter, 2, { name: 'c', registry });
    const remote2 = await client.whereis('c');
    expect(remote2).not.toBe(remote1);
    expect(await call(remote2!, 'get')).toBe(2);
  });
});

describe('many messages', () => {
  test('1,000 concurrent calls and casts across nodes: each answered once, in order', async () => {
    const { remote } = await remoteCounter();
    const answers: unknown[] = [];
    const calls: Promise<void>[] = [];
    for (let i = 0; i < 1000; i++) {
      cast(remote, 'inc');
      calls.push(call(remote, 'get').then((n) => void answers.push(n)));
    }
    await Promise.all(calls);
    expect(answers).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  test('exit$ subscribed after the remote exit emits at once', async () => {
    const { remote } = await remoteCounter();
    stop(remote);
    await exitReason(remote);
    const seen: string[] = [];
    remote.exit$.subscribe((r) => seen.push(r.kind));
    expect(seen).toEqual(['normal']);
  });
});

describe('node down', () => {
  test('closing the link fires exit$ of the peer pids with NodeDownError and rejects pending calls', async () => {
    const { remote, client, server } = await remoteCounter();
    const exited = exitReason(remote);
    const pending = call(remote, 'never');
    const downs = firstValueFrom(client.down$);
    server.close();
    const reason = await exited;
    expect(reason.kind).toBe('error');
    const error = (reason as { error: unknown }).error;
    expect(error).toBeInstanceOf(NodeDownError);
    expect((error as NodeDownError).node).toBe('server');
    await expect(pending).rejects.toBeInstanceOf(NodeDownError);
    expect(await downs).toBeInstanceOf(NodeDownError);
    // After the loss: calls fail with the loss, sends are dead letters, lookups fail.
    await expect(call(remote, 'get')).rejects.toBeInstanceOf(NodeDownError);
    expect(cast(remote, 'inc')).toBe(false);
    await expect(client.whereis('counter')).rejects.toBeInstanceOf(NodeDownError);
  });

  test('the local actor lives on when the peer that held its pid goes away', async () => {
    const { local, client } = await remoteCounter(3);
    client.close();
    await firstValueFrom(timer(5));
    expect(await call(local, 'get')).toBe(3);
    stop(local);
  });

  test('an Observable handler across nodes', async () => {
    const slow = genServer<{ state: number; args: number; call: 'get'; reply: number }>()({
      init: (n) => n,
      handleCall: (_req, _from, n) => timer(1).pipe(map(() => ({ reply: n * 2, state: n }))),
    });
    const { server, client } = pair();
    server.registry.register('slow', spawn(slow, 21));
    const remote = await client.whereis('slow');
    expect(await call(remote!, 'get')).toBe(42);
  });
});

describe('pids inside messages over a link pair', () => {
  /** Replies `ctx.self` to 'me'; casts `msg` to `to`. */
  const relay = genServer<{
    state: null;
    args: null;
    call: 'me';
    reply: Pid;
    cast: { to: Pid; msg: 'inc' };
    info: never;
  }>()({
    init: () => null,
    handleCall: (_req, _from, state, ctx) => ({ reply: ctx.self, state }),
    handleCast: ({ to, msg }, state) => {
      cast(to, msg as never);
      return state;
    },
  });

  test("a pid of each side crosses: the peer's own comes back as the same local pid", async () => {
    const { server, client } = pair();
    const local = spawn(relay, null);
    server.registry.register('relay', local);
    const remote = (await client.whereis('relay'))!;
    expect(await call(remote, 'me')).toBe(remote);
    const mine = spawn(counter, 0);
    cast(remote, { to: mine, msg: 'inc' });
    // The reply travels behind the relayed cast: once it is here, so is the cast.
    await call(remote, 'me');
    expect(await call(mine, 'get')).toBe(1);
  });

  test('a pid of a third node cannot cross a pair: send throws and nothing is sent', async () => {
    const { server, client } = pair();
    server.registry.register('relay', spawn(relay, null));
    const remote = (await client.whereis('relay'))!;
    const other = pair();
    other.server.registry.register('c', spawn(counter, 0));
    const third = (await other.client.whereis('c'))!;
    expect(() => cast(remote, { to: third, msg: 'inc' })).toThrow(/one cluster/);
    expect(await call(third, 'get')).toBe(0);
  });
});

// docs/design.md, "Remote": states and published values stay on their node.
describe('state$ and published$ of a pid on another node', () => {
  const crossing = (fn: string, pid: Pid): string =>
    `${fn}: ${String(pid)} lives on node 'server', and ${fn} does not cross nodes; ` +
    `subscribe on that node, or have the actor send what it publishes in messages.`;

  test('published$ of a remote pid errors with a TypeError naming the pid, its node and the fix; the actor is untouched', async () => {
    const { local, remote } = await remoteCounter(5);
    const error = await firstValueFrom(published$(remote)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe(crossing('published$', remote));
    // The actor serves as before, and the local pid's published$ is unaffected.
    cast(remote, 'inc');
    await expect(call(remote, 'get')).resolves.toBe(6);
    expect(local.target.dead).toBe(false);
  });

  test('state$ of a remote pid errors the same way', async () => {
    const { remote } = await remoteCounter(5);
    const error = await firstValueFrom(state$(remote)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe(crossing('state$', remote));
  });

  test('once the remote incarnation has exited, published$ still says it does not cross nodes', async () => {
    const { local, remote } = await remoteCounter();
    const exited = exitReason(remote);
    stop(local);
    await exited;
    const error = await firstValueFrom(published$(remote)).catch((e: unknown) => e);
    expect((error as TypeError).message).toBe(crossing('published$', remote));
  });

  test('published$ through a local name that holds a remote pid errors, naming the pid', async () => {
    const { remote } = await remoteCounter();
    const names = new Registry();
    names.register('far', remote);
    const error = await firstValueFrom(published$(via(names, 'far'))).catch((e: unknown) => e);
    expect((error as TypeError).message).toBe(crossing('published$', remote));
  });
});
