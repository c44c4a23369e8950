// One node of a cluster in a child process of its own, for singleton-processes.spec.ts.
// Run: node --import tsx singleton-node-process.ts '<SingletonNodeConfig as JSON>' (IPC channel).
// It joins the cluster, declares singleton 's' under a supervisor, says 'ready', and closes
// gracefully on a 'close' message. The singleton appends to the witness file (a line per start,
// stop and mark handled), so the test reads what happened outside every node.
import { appendFileSync } from 'node:fs';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { config } from 'rxjs';
import { supervise } from '../../src/index.js';
import { clusterSingleton, joinCluster } from '../../src/remote/index.js';
import { singletonSpec } from './singleton-fixture.js';

/** What a node is told at start (argv[2], JSON). */
export interface SingletonNodeConfig {
  /** The one server this node connects to. */
  readonly url: string;
  readonly name: string;
  readonly cluster: string;
  readonly heartbeat: { readonly interval: number; readonly missed: number };
  readonly lease: { readonly interval: number; readonly missed: number };
  readonly replicas: number;
  /** The file the singleton's incarnations append `up`, `down` and `mark` lines to. */
  readonly witness: string;
  /** Ends each line with the wall-clock time in ms (`performance.timeOrigin + now()`), for the bench. */
  readonly stamp?: boolean;
}

export type SingletonNodeEvent =
  | { readonly event: 'ready' }
  | { readonly event: 'closed' }
  | { readonly event: 'unhandled'; readonly error: string };

const settings = JSON.parse(process.argv[2] ?? '{}') as SingletonNodeConfig;
const tell = (message: SingletonNodeEvent): void => {
  process.send?.(message);
};

async function main(): Promise<void> {
  config.onUnhandledError = (error: unknown) =>
    tell({
      event: 'unhandled',
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  process.on('disconnect', () => process.exit(1));
  const { url, name, cluster, heartbeat, lease, replicas, witness, stamp = false } = settings;
  const connection = await connect({ servers: url, ignoreClusterUpdates: true });
  const node = await joinCluster({ connection, name, cluster, heartbeat, replicas });
  const bucket = await new Kvm(connection).create(`${cluster}_leases`, { history: 1, replicas });
  const write = (line: string): void =>
    appendFileSync(
      witness,
      stamp ? `${line} ${performance.timeOrigin + performance.now()}\n` : `${line}\n`,
    );
  // Each mark is witnessed as it is handled.
  const mark = (n: number): void => write(`mark ${n} ${name}`);
  const spec = clusterSingleton(node, singletonSpec('s', name, write, mark), {
    bucket,
    heartbeat: lease,
  });
  const tree = supervise([spec]).subscribe();
  process.on('message', (message: string) => {
    if (message !== 'close') return;
    void node.close().then(async () => {
      tree.unsubscribe();
      await connection.close();
      tell({ event: 'closed' });
      setImmediate(() => process.exit(0));
    });
  });
  tell({ event: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
