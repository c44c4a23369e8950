// Shared by the in-process cluster specs: one JetStream nats-server per file,
// nodes each on their own connection, a fresh cluster (subjects and bucket) per
// test, and everything closed after each test.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { filter, firstValueFrom, type Observable } from 'rxjs';
import { genServer, type ExitReason, type Pid } from '../../src/index.js';
import { joinCluster, type ClusterNode, type ClusterOptions } from '../../src/remote/index.js';
import { useJetStreamServer } from './nats-servers.js';

// Generous: a busy CI machine must not take a live node for lost (3 s of silence).
export const relaxed = { interval: 200, missed: 15 };

/** Starts the file's server and cleans up after each test; returns the helpers. */
export function useNatsCluster(prefix: string) {
  const server = useJetStreamServer();
  const connections: NatsConnection[] = [];
  const members: ClusterNode[] = [];
  let run = 0;

  afterEach(async () => {
    for (const node of members.splice(0)) await node.close().catch(() => undefined);
    for (const nc of connections.splice(0)) if (!nc.isClosed()) await nc.close();
  }, 30_000);

  /** A connection to the file's server, closed after the test. */
  async function connectNats(): Promise<NatsConnection> {
    const nc = await connect({ servers: server().url });
    connections.push(nc);
    return nc;
  }

  /** The current test's cluster name; `fresh()` starts a new one. */
  const clusterName = (): string => `${prefix}${run}`;
  const fresh = (): string => {
    run += 1;
    return clusterName();
  };

  /** A node named `name` in the current cluster, on its own connection. */
  async function join(
    name: string,
    options: Partial<Omit<ClusterOptions, 'connection' | 'name'>> = {},
  ): Promise<[ClusterNode, NatsConnection]> {
    const nc = await connectNats();
    const node = await joinCluster({
      connection: nc,
      name,
      cluster: clusterName(),
      heartbeat: relaxed,
      ...options,
    });
    members.push(node);
    return [node, nc];
  }

  /** `count` nodes `n0`, `n1`, … of a fresh cluster. */
  async function cluster(
    count: number,
    heartbeat = relaxed,
  ): Promise<{ nodes: ClusterNode[]; ncs: NatsConnection[] }> {
    fresh();
    const nodes: ClusterNode[] = [];
    const ncs: NatsConnection[] = [];
    for (let i = 0; i < count; i++) {
      const [node, nc] = await join(`n${i}`, { heartbeat });
      nodes.push(node);
      ncs.push(nc);
    }
    return { nodes, ncs };
  }

  return { connectNats, clusterName, fresh, join, cluster, url: () => server().url };
}

export const until = <T>(source: Observable<T>, test: (value: T) => boolean): Promise<T> =>
  firstValueFrom(source.pipe(filter(test)));

/** The pid `node` sees under `name` once it is not `undefined` (and not `not`). */
export const seen = (node: ClusterNode, name: string, not?: Pid): Promise<Pid> =>
  until(node.registry.whereis$(name), (p) => p !== undefined && p !== not) as Promise<Pid>;

/** Resolves once `node` sees no pid under `name`. */
export const gone = (node: ClusterNode, name: string): Promise<unknown> =>
  until(node.registry.whereis$(name), (p) => p === undefined);

export const errorOf = (reason: ExitReason | undefined): unknown =>
  reason?.kind === 'error' ? reason.error : undefined;

/** Pushes each cast into the array it was started with. */
export const collector = genServer<{
  state: unknown[];
  args: unknown[];
  call: never;
  reply: never;
  cast: unknown;
  info: never;
}>()({
  init: (into) => into,
  handleCast: (msg, into) => (into.push(msg), into),
});
