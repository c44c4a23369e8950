// Cases 8–10: rxotp across nodes over NATS, against the NATS client it runs on
// (@nats-io/transport-node 3.x, KV through @nats-io/kv) doing the same work by hand with the same
// codec. Each case starts its own JetStream nats-server on a free loopback
// port and stops it (its store directory goes with it); every implementation opens and closes
// its own connections in each round, so none inherits another's state.
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { filter, firstValueFrom } from 'rxjs';
import { startServer } from '../../test/remote/nats-servers.js';
import type { Pid, Rxotp } from '../lib.js';
import type { BenchCase, CaseResult, Measure } from '../measure.js';
import type { Impl, Running } from '../per-op.js';
import { alternating, versus, type Rounds } from './rounds.js';

type ClusterNode = Awaited<ReturnType<Rxotp['remote']['joinCluster']>>;

/** rxotp's wire number for a cast, so the raw frames are the frames rxotp sends. */
const CAST_KIND = 1;

// Generous: a loaded 2-core machine must not take a live node for lost mid-run.
const HEARTBEAT = { interval: 1000, missed: 10 };

const token = (): string => Math.random().toString(36).slice(2, 10);

/** Starts a JetStream nats-server, runs `work` against its URL, and stops it whatever happens. */
export async function withServer<T>(work: (url: string) => Promise<T>): Promise<T> {
  const server = await startServer({ jetstream: true });
  try {
    return await work(server.url);
  } finally {
    await server.stop();
  }
}

const connectTo = (url: string): Promise<NatsConnection> =>
  connect({ servers: url, reconnect: false });

/** A promise the counting side resolves once `count` reaches the batch's target. */
class Target {
  private target = 0;
  private wake: (() => void) | null = null;

  /** Raises the target by `size` and resolves once `reached` sees it. */
  raise(size: number): Promise<void> {
    this.target += size;
    return new Promise((resolve) => (this.wake = resolve));
  }

  reached(count: number): void {
    if (count === this.target && this.wake !== null) {
      const wake = this.wake;
      this.wake = null;
      wake();
    }
  }
}

/** Two nodes of a fresh cluster, each on its own connection: `a` serves, `b` sends. */
async function twoNodes(
  lib: Rxotp,
  url: string,
): Promise<{ a: ClusterNode; b: ClusterNode; close(): Promise<void> }> {
  const cluster = `bench_${token()}`;
  const [ncA, ncB] = await Promise.all([connectTo(url), connectTo(url)]);
  const join = (connection: NatsConnection, name: string) =>
    lib.remote.joinCluster({ connection, name, cluster, heartbeat: HEARTBEAT });
  const a = await join(ncA, 'a');
  const b = await join(ncB, 'b');
  return {
    a,
    b,
    close: async () => {
      await b.close();
      await a.close();
      await Promise.all([ncA.close(), ncB.close()]);
    },
  };
}

/** `pid`, registered as `name` on `a`, as `b` sees it: a remote pid. */
async function served(a: ClusterNode, b: ClusterNode, name: string, pid: Pid): Promise<Pid> {
  await a.registry.claim(name, pid);
  const seen = b.registry.whereis$(name).pipe(filter((p): p is Pid => p !== undefined));
  return firstValueFrom(seen);
}

/** Two plain connections: `receiver` subscribes to `inbox`, `sender` publishes to `subject`. */
async function rawPair(url: string): Promise<{
  sender: NatsConnection;
  receiver: NatsConnection;
  inbox: string;
  subject: string;
  close(): Promise<void>;
}> {
  const [sender, receiver] = await Promise.all([connectTo(url), connectTo(url)]);
  // The shape of a cluster's subjects: `<cluster>.f.<from>.<run>.t.<to>.<run>`, received on a
  // wildcard inbox per node run (`<cluster>.f.*.*.t.<to>.<run>`).
  const [cluster, runA, runB] = [token(), token(), token()];
  return {
    sender,
    receiver,
    inbox: `bench_${cluster}.f.*.*.t.b.${runB}`,
    subject: `bench_${cluster}.f.a.${runA}.t.b.${runB}`,
    close: async () => {
      await Promise.all([sender.close(), receiver.close()]);
    },
  };
}

// ---- 8. cast --------------------------------------------------------------------

const CAST_RXOTP = 'rxotp cast → remote pid (joinCluster)';
const CAST_RAW = 'nats publish → subscriber, jsonCodec frames';

export function remoteCastImpls(lib: Rxotp, url: string): Impl[] {
  const codec = lib.remote.jsonCodec;
  return [
    {
      name: CAST_RXOTP,
      async start(size): Promise<Running> {
        const nodes = await twoNodes(lib, url);
        const done = new Target();
        const counter = lib.genServer({
          init: () => 0,
          handleCast: (by: number, n: number) => {
            done.reached(n + by);
            return n + by;
          },
          handleCall: (_: 'get', _from, n: number) => ({ reply: n, state: n }),
        });
        const pid = lib.spawn(counter, undefined);
        const remote = await served(nodes.a, nodes.b, 'counter', pid);
        return {
          batch: {
            async: async () => {
              const reached = done.raise(size);
              for (let i = 0; i < size; i++) lib.cast(remote, 1);
              await reached;
            },
          },
          handled: () => lib.call(pid, 'get'),
          stop: async () => {
            await nodes.close();
            lib.stop(pid);
          },
        };
      },
    },
    {
      name: CAST_RAW,
      async start(size): Promise<Running> {
        const raw = await rawPair(url);
        const done = new Target();
        let count = 0;
        raw.receiver.subscribe(raw.inbox, {
          callback: (error, message) => {
            if (error !== null) return;
            count += (codec.decode(message.data) as { payload: number }).payload;
            done.reached(count);
          },
        });
        await raw.receiver.flush();
        return {
          batch: {
            async: async () => {
              const reached = done.raise(size);
              for (let i = 0; i < size; i++) {
                raw.sender.publish(
                  raw.subject,
                  codec.encode({ t: 'msg', to: 1, kind: CAST_KIND, payload: 1 }),
                );
              }
              await reached;
            },
          },
          handled: () => count,
          stop: () => raw.close(),
        };
      },
    },
  ];
}

export async function remoteCastCase(
  lib: Rxotp,
  measure: Measure,
  batch: number,
): Promise<CaseResult> {
  const timed = await withServer((url) => alternating(measure, batch, remoteCastImpls(lib, url)));
  return versus(
    'remote-cast',
    '8. cast to a pid on another node, over NATS',
    timed,
    'remote cast vs nats publish',
    1.3,
  );
}

export const remoteCast: BenchCase = {
  id: 'remote-cast',
  title: '8. remote cast over NATS',
  size: 1000,
  smokeSize: 20,
  run: remoteCastCase,
};

// ---- 9. call --------------------------------------------------------------------

const CALL_RXOTP = 'rxotp await call → remote pid (joinCluster)';
const CALL_RAW = 'nats await request → responder, jsonCodec frames';

export function remoteCallImpls(lib: Rxotp, url: string): Impl[] {
  const codec = lib.remote.jsonCodec;
  return [
    {
      name: CALL_RXOTP,
      async start(size): Promise<Running> {
        const nodes = await twoNodes(lib, url);
        const counter = lib.genServer({
          init: () => 0,
          handleCall: (_: 'next', _from, n: number) => ({ reply: n + 1, state: n + 1 }),
        });
        const pid = lib.spawn(counter, undefined);
        const remote = await served(nodes.a, nodes.b, 'counter', pid);
        let last = 0;
        return {
          batch: {
            async: async () => {
              for (let i = 0; i < size; i++) last = (await lib.call(remote, 'next')) as number;
            },
          },
          handled: () => last,
          stop: async () => {
            await nodes.close();
            lib.stop(pid);
          },
        };
      },
    },
    {
      name: CALL_RAW,
      async start(size): Promise<Running> {
        const raw = await rawPair(url);
        let n = 0;
        raw.receiver.subscribe(raw.inbox, {
          callback: (error, message) => {
            if (error !== null) return;
            const { ref } = codec.decode(message.data) as { ref: number };
            n += 1;
            message.respond(codec.encode({ t: 'reply', ref, value: n }));
          },
        });
        await raw.receiver.flush();
        let seq = 0;
        let last = 0;
        return {
          batch: {
            async: async () => {
              for (let i = 0; i < size; i++) {
                const frame = { t: 'call', to: 1, ref: ++seq, request: 'next' };
                // The same timeout a call has by default: a timer per request on both sides.
                const reply = await raw.sender.request(raw.subject, codec.encode(frame), {
                  timeout: 5000,
                });
                last = (codec.decode(reply.data) as { value: number }).value;
              }
            },
          },
          handled: () => last,
          stop: () => raw.close(),
        };
      },
    },
  ];
}

export async function remoteCallCase(
  lib: Rxotp,
  measure: Measure,
  batch: number,
): Promise<CaseResult> {
  const timed = await withServer((url) => alternating(measure, batch, remoteCallImpls(lib, url)));
  return versus(
    'remote-call',
    '9. call to a pid on another node, over NATS, awaited in sequence',
    timed,
    'remote call vs nats request',
    1.2,
  );
}

export const remoteCall: BenchCase = {
  id: 'remote-call',
  title: '9. remote call over NATS',
  size: 100,
  smokeSize: 5,
  run: remoteCallCase,
};

// ---- 10. register -----------------------------------------------------------------

const REGISTER_RXOTP = 'rxotp await registry.claim(name, pid)';
const REGISTER_RAW = 'nats await kv.create(key, value)';
const REGISTER_WATCHED = 'nats await kv.create(key, value), bucket watched by the same connection';

/** The keys in `kv`: what the bucket holds, whoever wrote it. */
async function keyCount(kv: KV): Promise<number> {
  let count = 0;
  for await (const _key of await kv.keys()) count++;
  return count;
}

/** A bucket like the cluster registry's (`<cluster>_names`, history 1, one replica). */
const namesBucket = (nc: NatsConnection, bucket: string): Promise<KV> =>
  new Kvm(nc).create(bucket, { history: 1, replicas: 1 });

export function registerImpls(lib: Rxotp, url: string): Impl[] {
  // What the registry claims for: an idle actor, one per name, as a name is one actor's.
  const idle = lib.genServer({ init: () => 0 });
  return [
    {
      name: REGISTER_RXOTP,
      async start(size): Promise<Running> {
        const cluster = `bench_${token()}`;
        const nc = await connectTo(url);
        const node = await lib.remote.joinCluster({
          connection: nc,
          name: 'a',
          cluster,
          heartbeat: HEARTBEAT,
        });
        const bucket = await namesBucket(nc, `${cluster}_names`);
        const pids: Pid[] = [];
        let seq = 0;
        return {
          batch: {
            async: async () => {
              for (let i = 0; i < size; i++) {
                const pid = lib.spawn(idle, undefined);
                pids.push(pid);
                await node.registry.claim(`n${++seq}`, pid);
              }
            },
          },
          // Counted in the bucket: a claim is done when the cluster has it, not this node.
          handled: () => keyCount(bucket),
          stop: async () => {
            await node.close();
            for (const pid of pids) lib.stop(pid);
            await nc.close();
          },
        };
      },
    },
    kvCreates(REGISTER_RAW, url, false),
    kvCreates(REGISTER_WATCHED, url, true),
  ];
}

/**
 * `kv.create` of the registry's value under fresh keys, by hand. `watched`: the same connection
 * also watches the bucket and keeps a copy of it, decoding each change, as every node of a
 * cluster does with its names (docs/design.md, "Remote › The cluster registry"), so each write
 * comes back to the writer: the floor of a registry that answers lookups from a local copy.
 */
function kvCreates(name: string, url: string, watched: boolean): Impl {
  return {
    name,
    async start(size): Promise<Running> {
      const nc = await connectTo(url);
      const kv = await namesBucket(nc, `bench_${token()}_names`);
      const text = new TextEncoder();
      const address = `a.${token()}`;
      let watch: { stop(): void } | undefined;
      let following: Promise<void> | undefined;
      if (watched) {
        const changes = await kv.watch();
        watch = changes;
        const copy = new Map<string, unknown>();
        const bytes = new TextDecoder();
        following = (async () => {
          for await (const change of changes) {
            if (change.operation === 'PUT') {
              copy.set(change.key, JSON.parse(bytes.decode(change.value)));
            } else {
              copy.delete(change.key);
            }
          }
        })();
      }
      let seq = 0;
      return {
        batch: {
          async: async () => {
            for (let i = 0; i < size; i++) {
              const id = ++seq;
              // The value the registry writes for a name: the pid's node, address and id.
              const value = { node: 'a', address, id, hold: -1 };
              await kv.create(`n${id}`, text.encode(JSON.stringify(value)));
            }
          },
        },
        handled: () => keyCount(kv),
        stop: async () => {
          watch?.stop();
          await following;
          await nc.close();
        },
      };
    },
  };
}

export async function registerCase(
  lib: Rxotp,
  measure: Measure,
  batch: number,
): Promise<CaseResult> {
  const timed = await withServer((url) => alternating(measure, batch, registerImpls(lib, url)));
  const [claim, plain, watched] = timed as [Rounds, Rounds, Rounds];
  const result = versus(
    'cluster-register',
    '10. cluster-wide register (JetStream KV), awaited in sequence',
    [claim, plain],
    'cluster claim vs kv.create',
    1.3,
  );
  // For reference, not a target: the part of a claim that any watched copy of the bucket costs.
  return {
    ...result,
    rows: [
      ...result.rows,
      {
        name: watched.name,
        value: watched.nsPerOp,
        unit: 'ns/op',
        ratio: claim.nsPerOp / watched.nsPerOp,
        samples: watched.samples,
      },
    ],
    counts: {
      [claim.name]: claim.handled,
      [plain.name]: plain.handled,
      [watched.name]: watched.handled,
      rounds: claim.samples.length,
    },
  };
}

export const clusterRegister: BenchCase = {
  id: 'cluster-register',
  title: '10. cluster register over JetStream KV',
  size: 50,
  smokeSize: 3,
  run: registerCase,
};
