// `npm run bench:failover`: how long a cluster singleton takes to run again after its owner is
// killed with SIGKILL, against the heartbeat interval. Three node processes
// (test/cluster/singleton-node-process.ts) declare the singleton on one JetStream nats-server;
// each sample kills the owner and times, on one machine's clock, from the kill to the new
// incarnation's `init`, then starts a fresh node so three stay. Node liveness and the lease beat
// at the same interval, missed = 4: the stated bound is (missed + 1) intervals plus the KV
// round trips and the start.
//   npm run bench:failover                 intervals 100, 250 and 500 ms, 20/12/8 samples
//   npm run bench:failover -- --quick      100 ms, 5 samples
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../test/remote/nats-servers.js';
import type { SingletonNodeConfig } from '../test/cluster/singleton-node-process.js';

const nodeFile = join(__dirname, '..', 'test', 'cluster', 'singleton-node-process.ts');
const MISSED = 4;
const clock = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Node {
  readonly name: string;
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
}

function startNode(config: SingletonNodeConfig): Node {
  const child = spawn(process.execPath, ['--import', 'tsx', nodeFile, JSON.stringify(config)], {
    cwd: join(__dirname, '..'),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { event: string; error?: string }) => {
      if (m.event === 'ready') resolve();
      if (m.event === 'unhandled') console.error(`node ${config.name}: ${m.error}`);
    });
    void exited.then(() => reject(new Error(`node ${config.name} exited before ready`)));
  });
  return { name: config.name, child, ready, exited };
}

/** The witness lines: `up|down <node> <ms>`. */
function lines(file: string): { what: string; node: string; at: number }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [what, node, at] = l.split(' ') as [string, string, string];
      return { what, node, at: Number(at) };
    });
}

async function until<T>(probe: () => T | undefined): Promise<T> {
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    await sleep(5);
  }
}

const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function measure(url: string, dir: string, interval: number, samples: number) {
  const cluster = `fo${interval}_${process.pid}`;
  const witness = join(dir, `${cluster}.log`);
  appendFileSync(witness, '');
  let made = 0;
  const config = (): SingletonNodeConfig => ({
    url,
    name: `n${made++}`,
    cluster,
    heartbeat: { interval, missed: MISSED },
    lease: { interval, missed: MISSED },
    replicas: 1,
    witness,
    stamp: true,
  });
  const nodes: Node[] = [startNode(config()), startNode(config()), startNode(config())];
  await Promise.all(nodes.map((n) => n.ready));
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const seen = lines(witness).length;
      const owner = await until(() => {
        const all = lines(witness);
        const last = all.at(-1);
        return last?.what === 'up' && nodes.some((n) => n.name === last.node)
          ? last.node
          : undefined;
      });
      // A quiet spell first: the lease has been renewed at least once since it was taken.
      await sleep(interval * 2);
      const victim = nodes.find((n) => n.name === owner)!;
      const killedAt = clock();
      victim.child.kill('SIGKILL');
      await victim.exited;
      const next = await until(() =>
        lines(witness)
          .slice(seen)
          .find((l) => l.what === 'up' && l.node !== owner),
      );
      times.push(next.at - killedAt);
      nodes.splice(nodes.indexOf(victim), 1);
      const fresh = startNode(config());
      nodes.push(fresh);
      await fresh.ready;
    }
  } finally {
    for (const n of nodes) n.child.kill('SIGKILL');
    await Promise.all(nodes.map((n) => n.exited));
  }
  return times;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const plan: [number, number][] = quick
    ? [[100, 5]]
    : [
        [100, 20],
        [250, 12],
        [500, 8],
      ];
  const server = await startServer({ jetstream: true });
  const dir = mkdtempSync(join(tmpdir(), 'rxotp-failover-'));
  try {
    console.log(
      `cluster singleton failover after SIGKILL of the owner · missed = ${MISSED} · bound (missed + 1) × interval + start`,
    );
    console.log(
      '| heartbeat interval | samples | p50 | p99 | p50 / interval | p99 / interval | bound / interval |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const [interval, samples] of plan) {
      const times = await measure(server.url, dir, interval, samples);
      const p50 = percentile(times, 50);
      const p99 = percentile(times, 99);
      console.log(
        `| ${interval} ms | ${samples} | ${p50.toFixed(0)} ms | ${p99.toFixed(0)} ms | ${(p50 / interval).toFixed(2)} | ${(p99 / interval).toFixed(2)} | ${MISSED + 1} |`,
      );
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
