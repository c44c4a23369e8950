// Sharded entities over NATS (npm run bench:entities): three nodes of one
// cluster in this process, each on its own connection to a local JetStream
// nats-server, against the NATS client doing the same round trip by hand.
//   1. an entity call across nodes vs a raw NATS request (target ≤ 1.3×);
//   2. the activation time of a new entity on another node (first call);
//   3. 100,000 entities across the 3 nodes: time to activate them all,
//      heap per entity, and the throughput of calls to them once active.
// One run, medians of alternating rounds; ratios are rxotp ÷ raw NATS.
// `-- --quick` runs a tenth of the sizes.
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { performance } from 'node:perf_hooks';
import { call, cast, genServer } from '../src/index.js';
import {
  entities,
  entity,
  joinCluster,
  jsonCodec,
  type ClusterNode,
  type EntityRegion,
} from '../src/remote/index.js';
import { startServer } from '../test/remote/nats-servers.js';

const quick = process.argv.includes('--quick');
const CALLS = quick ? 200 : 500;
const ROUNDS = quick ? 3 : 15;
const NEW = quick ? 50 : 500;
const MANY = quick ? 10_000 : 100_000;
const HEARTBEAT = { interval: 1000, missed: 10 };

type Counter = EntityRegion<{ call: 'get'; reply: number; cast: 'inc'; info: never }>;

const counter = genServer({
  init: (_id: string) => 0,
  handleCall: (_: 'get', _from, n: number) => ({ reply: n, state: n }),
  handleCast: (_: 'inc', n: number) => n + 1,
});

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
};

async function main(): Promise<void> {
  const server = await startServer({ jetstream: true });
  const ncs: NatsConnection[] = [];
  const nodes: ClusterNode[] = [];
  const regions: Counter[] = [];
  try {
    const cluster = `bench_entities_${Math.random().toString(36).slice(2, 8)}`;
    for (let i = 0; i < 3; i++) {
      const nc = await connect({ servers: server.url });
      ncs.push(nc);
      const node = await joinCluster({
        connection: nc,
        name: `n${i}`,
        cluster,
        heartbeat: HEARTBEAT,
      });
      nodes.push(node);
      const bucket = await new Kvm(nc).create(`${cluster}_entities`, { history: 1 });
      regions.push(await entities(node, 'counter', counter, { bucket, idleTimeout: Infinity }));
    }
    while (!regions.every((r) => r.members().length === 3)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [r0] = regions as [Counter];
    const remoteIds = (prefix: string, count: number): string[] => {
      const ids: string[] = [];
      for (let i = 0; ids.length < count; i++)
        if (r0.owner(`${prefix}${i}`) !== 'n0') ids.push(`${prefix}${i}`);
      return ids;
    };

    // 1. An entity call across nodes vs a raw NATS request.
    const [hot] = remoteIds('hot', 1) as [string];
    await call(entity(r0, hot), 'get');
    const raw = await rawResponder(server.url);
    const rx: number[] = [];
    const nats: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let t0 = performance.now();
      for (let i = 0; i < CALLS; i++) await call(entity(r0, hot), 'get');
      rx.push(((performance.now() - t0) * 1000) / CALLS);
      t0 = performance.now();
      for (let i = 0; i < CALLS; i++) await raw.request(i);
      nats.push(((performance.now() - t0) * 1000) / CALLS);
    }
    await raw.close();
    const callRatio = median(rx) / median(nats);

    // 2. Activation: the first call to a new entity owned by another node.
    const fresh = remoteIds('new', NEW);
    const firsts: number[] = [];
    const warm: number[] = [];
    for (const id of fresh) {
      let t0 = performance.now();
      await call(entity(r0, id), 'get');
      firsts.push((performance.now() - t0) * 1000);
      t0 = performance.now();
      await call(entity(r0, id), 'get');
      warm.push((performance.now() - t0) * 1000);
    }

    // 3. Many entities across the three nodes.
    gc();
    const before = process.memoryUsage().heapUsed;
    const active = (): number => regions.reduce((sum, r) => sum + r.stats().active, 0);
    const already = active();
    let t0 = performance.now();
    for (let i = 0; i < MANY; i++) cast(entity(regions[i % 3]!, `m${i}`), 'inc');
    while (active() < already + MANY) await new Promise((resolve) => setTimeout(resolve, 10));
    const activateMs = performance.now() - t0;
    gc();
    const perEntity = (process.memoryUsage().heapUsed - before) / MANY;
    t0 = performance.now();
    const WINDOW = 1000;
    for (let i = 0; i < MANY; i += WINDOW) {
      const batch: Promise<number>[] = [];
      for (let j = i; j < Math.min(MANY, i + WINDOW); j++) {
        batch.push(call(entity(regions[j % 3]!, `m${j}`), 'get', { timeout: 60_000 }));
      }
      for (const n of await Promise.all(batch)) if (n !== 1) throw new Error(`lost a cast: ${n}`);
    }
    const callsMs = performance.now() - t0;

    const rows = [
      [
        'entity call across nodes (rxotp)',
        `${median(rx).toFixed(1)} µs/call`,
        `${callRatio.toFixed(2)}× raw NATS request (target ≤ 1.3×)`,
      ],
      ['raw NATS request → responder', `${median(nats).toFixed(1)} µs/request`, ''],
      [
        'activation of a new entity on another node (first call)',
        `${median(firsts).toFixed(0)} µs`,
        `${(median(firsts) / median(warm)).toFixed(2)}× a call to it once active`,
      ],
      [
        `${MANY.toLocaleString('en')} entities across 3 nodes: activation`,
        `${((MANY / activateMs) * 1000).toFixed(0)} activations/s`,
        `${(activateMs / 1000).toFixed(1)} s in all`,
      ],
      [
        `${MANY.toLocaleString('en')} entities: heap per entity (3 nodes, one process)`,
        `${(perEntity / 1024).toFixed(2)} KiB`,
        '',
      ],
      [
        `${MANY.toLocaleString('en')} entities: calls, ${WINDOW} in flight, a third local`,
        `${((MANY / callsMs) * 1000).toFixed(0)} calls/s`,
        '',
      ],
    ];
    console.log(
      `Node ${process.version}, load average ${(await import('node:os'))
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')}`,
    );
    console.log('| case | median | ratio |\n| --- | ---: | --- |');
    for (const [name, value, ratio] of rows) console.log(`| ${name} | ${value} | ${ratio} |`);
    console.log(
      `samples µs/call rxotp ${rx.map((x) => x.toFixed(1)).join(', ')}; nats ${nats.map((x) => x.toFixed(1)).join(', ')}`,
    );
  } finally {
    for (const r of regions) await r.close();
    for (const node of nodes) await node.close();
    for (const nc of ncs) await nc.close();
    await server.stop();
  }
}

/** A responder on one connection and a requester on another, with rxotp's frame codec. */
async function rawResponder(
  url: string,
): Promise<{ request(i: number): Promise<void>; close(): Promise<void> }> {
  const responder = await connect({ servers: url });
  const requester = await connect({ servers: url });
  const subject = `bench.raw.${Math.random().toString(36).slice(2, 8)}`;
  let n = 0;
  responder.subscribe(subject, {
    callback: (error, message) => {
      if (error !== null) return;
      const { ref } = jsonCodec.decode(message.data) as { ref: number };
      message.respond(jsonCodec.encode({ t: 'reply', ref, value: ++n }));
    },
  });
  await responder.flush();
  return {
    async request(i) {
      const frame = { t: 'call', to: 1, ref: i, request: { e: 'hot', m: 'get', h: 1 } };
      const reply = await requester.request(subject, jsonCodec.encode(frame), { timeout: 5000 });
      jsonCodec.decode(reply.data);
    },
    async close() {
      await responder.close();
      await requester.close();
    },
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
