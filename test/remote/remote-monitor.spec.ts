// ctx.monitor on a pid of another node (docs/design.md, "Monitors"): the
// down message carries the remote exit reason, or NodeDownError when the node is lost.
import { Subject, firstValueFrom } from 'rxjs';
import {
  Registry,
  cast,
  genServer,
  spawn,
  stop,
  type DownMessage,
  type Pid,
} from '../../src/index.js';
import {
  NodeDownError,
  connectNode,
  linkPair,
  type ConnectedNode,
} from '../../src/remote/index.js';

const idle = genServer({
  init: () => 0,
  handleCast: (_: 'crash', _n: number): number => {
    throw new RangeError('remote crash');
  },
});

/** Monitors each pid cast to it; emits every down message it gets on `downs`. */
const watcher = (downs: Subject<DownMessage>) =>
  genServer({
    init: () => 0,
    handleCast: (pid: Pid, n, ctx) => (ctx.monitor(pid), n + 1),
    handleInfo: (msg: DownMessage, n) => (downs.next(msg), n),
  });

let nodes: ConnectedNode[] = [];
afterEach(() => {
  for (const node of nodes) node.close();
  nodes = [];
});

async function remoteIdle(): Promise<{ local: Pid; remote: Pid; server: ConnectedNode }> {
  const [a, b] = linkPair();
  const registry = new Registry();
  const server = connectNode({ name: 'server', link: a, registry, heartbeat: false });
  const client = connectNode({ name: 'client', link: b, heartbeat: false });
  nodes.push(server, client);
  const local = spawn(idle, undefined);
  registry.register('idle', local);
  const remote = await client.whereis('idle');
  if (remote === undefined) throw new Error('idle not found');
  return { local, remote, server };
}

describe('monitoring a pid of another node', () => {
  test('its crash there arrives as a down message with the reason', async () => {
    const { remote, local } = await remoteIdle();
    const downs = new Subject<DownMessage>();
    const first = firstValueFrom(downs);
    cast(spawn(watcher(downs), undefined), remote);
    cast(local, 'crash');
    const down = await first;
    expect(down.pid).toBe(remote);
    expect(down.reason.kind).toBe('error');
  });

  test('the loss of its node arrives as a down message with NodeDownError', async () => {
    const { remote, server } = await remoteIdle();
    const downs = new Subject<DownMessage>();
    const first = firstValueFrom(downs);
    const w = spawn(watcher(downs), undefined);
    cast(w, remote);
    server.close();
    const down = await first;
    expect(down.pid).toBe(remote);
    expect(down.reason).toEqual({ kind: 'error', error: expect.any(NodeDownError) as unknown });
    expect((down.reason as { error: NodeDownError }).error.node).toBe('server');
    stop(w);
  });

  test('a pid of a node already lost gives its down message at once', async () => {
    const { remote, server } = await remoteIdle();
    server.close();
    await firstValueFrom(remote.exit$);
    const downs = new Subject<DownMessage>();
    const seen: DownMessage[] = [];
    downs.subscribe((d) => seen.push(d));
    cast(spawn(watcher(downs), undefined), remote);
    expect(seen.map((d) => d.reason.kind)).toEqual(['error']);
  });
});
