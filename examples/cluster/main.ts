// A cluster of two nodes, each its own process, on one machine. It starts a
// local nats-server with JetStream (the cluster registry lives in a KV bucket),
// then node "work", whose supervisor runs a worker registered cluster-wide as
// 'worker', then node "front", which calls that worker by name, makes it crash,
// watches the name move to the restarted incarnation and keeps calling it.
// Then three more node processes each declare the cluster singleton 'clock'
// (singleton-node.ts): it runs on one of them; main.ts kills that process with
// SIGKILL, and the clock comes back on a survivor, which every survivor reaches
// by the same name. Everything is shut down at the end; a failure anywhere
// exits nonzero.
//
//   npm run build && npm run example:cluster
//
// It needs the nats-server binary (Debian: apt install nats-server), found in
// /usr/sbin, /usr/bin, /usr/local/bin or on PATH.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FromNode } from './singleton-node.js';

const log = (line: string): void => console.log(`main  | ${line}`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const binary =
  ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((path) =>
    existsSync(path),
  ) ?? 'nats-server';

/** How a child process ended: 'code 0', 'SIGKILL', or why it could not start. */
function ending(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`));
    child.once('error', (error) => resolve(error.message));
  });
}

/** A nats-server with JetStream on a free loopback port, its store in `dir`. */
async function startServer(dir: string) {
  const server = spawn(
    binary,
    ['-a', '127.0.0.1', '-p', '-1', '-js', '-sd', join(dir, 'store'), '--ports_file_dir', dir],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  server.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
  const ended = ending(server);
  let exited: string | undefined;
  void ended.then((how) => (exited = how));
  const stopServer = async () => {
    if (exited === undefined) server.kill('SIGTERM');
    await ended;
  };

  // Once it listens, the server writes `<binary>_<pid>.ports`: {"nats":["nats://127.0.0.1:port"]}.
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (exited !== undefined) break;
    const file = (await readdir(dir)).find((name) => name.endsWith(`_${server.pid}.ports`));
    if (file !== undefined) {
      const ports = JSON.parse(await readFile(join(dir, file), 'utf8')) as { nats?: string[] };
      const url = ports.nats?.[0];
      if (url !== undefined) return { url, stop: stopServer };
    }
    await sleep(50);
  }
  await stopServer();
  throw new Error(
    `nats-server (${binary}) did not start (${exited ?? 'no ports file'}):\n${output}`,
  );
}

/** A node.ts process; its output goes straight to ours. */
function startNode(role: 'work' | 'front', url: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'node.ts'), role, url],
    {
      cwd: join(__dirname, '..', '..'), // where `tsx` resolves
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const ended = ending(child);
  return {
    child,
    /** Resolves when the node sends `message`; rejects if it ends first. */
    said: (message: 'ready' | 'done') =>
      new Promise<void>((resolve, reject) => {
        child.on('message', (m) => m === message && resolve());
        void ended.then((how) =>
          reject(new Error(`node '${role}' ended (${how}) before '${message}'`)),
        );
      }),
    /** Resolves when the node exits with code 0, rejects on any other ending. */
    exited: async () => {
      const how = await ended;
      if (how !== 'code 0') throw new Error(`node '${role}' ended with ${how}`);
    },
  };
}

/** A singleton-node.ts process; its output goes straight to ours. */
function startSingletonNode(name: string, url: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'singleton-node.ts'), name, url],
    { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const ended = ending(child);
  return {
    name,
    child,
    ended,
    /** Resolves with the first message from the node that passes `test`; rejects if it ends first. */
    next: <T extends FromNode>(test: (m: FromNode) => m is T) =>
      new Promise<T>((resolve, reject) => {
        const listener = (m: FromNode) => {
          if (!test(m)) return;
          child.off('message', listener);
          resolve(m);
        };
        child.on('message', listener);
        void ended.then((how) => reject(new Error(`node '${name}' ended (${how})`)));
      }),
  };
}
type SingletonNode = ReturnType<typeof startSingletonNode>;

const isReady = (m: FromNode): m is 'ready' => m === 'ready';
const isDone = (m: FromNode): m is 'done' => m === 'done';
const isRunning = (m: FromNode): m is { running: string } =>
  typeof m === 'object' && 'running' in m;
const isAnswer = (m: FromNode): m is { answered: string } =>
  typeof m === 'object' && 'answered' in m;

/** Asks each node to call the clock by name; resolves with the answers. */
async function ask(nodes: readonly SingletonNode[]): Promise<string[]> {
  const answers = nodes.map((n) => n.next(isAnswer));
  for (const n of nodes) n.child.send('ask');
  return (await Promise.all(answers)).map((a) => a.answered);
}

/** Three nodes declare singleton 'clock'; its node is killed, and it comes back on another. */
async function singletonPart(url: string, nodes: ChildProcess[]): Promise<void> {
  log(`starting nodes 'one', 'two' and 'three', each declaring the singleton 'clock'`);
  const all = ['one', 'two', 'three'].map((name) => startSingletonNode(name, url));
  nodes.push(...all.map((n) => n.child));
  const first = Promise.race(all.map((n) => n.next(isRunning)));
  await Promise.all(all.map((n) => n.next(isReady)));
  const owner = (await first).running;
  log(`the clock runs on '${owner}'`);
  await ask(all);

  const victim = all.find((n) => n.name === owner)!;
  const survivors = all.filter((n) => n !== victim);
  const next = Promise.race(survivors.map((n) => n.next(isRunning)));
  log(`killing node '${owner}' with SIGKILL`);
  victim.child.kill('SIGKILL');
  await victim.ended;
  const took = (await next).running;
  log(`the clock came back on '${took}'`);
  const answers = await ask(survivors);
  if (!answers.every((a) => a.startsWith(`clock on node ${took},`))) {
    throw new Error(`the survivors reached different clocks: ${answers.join(' / ')}`);
  }

  log(`stopping nodes ${survivors.map((n) => `'${n.name}'`).join(' and ')}`);
  for (const n of survivors) {
    const done = n.next(isDone);
    n.child.send('stop');
    await done;
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rxotp-cluster-'));
  const nodes: ChildProcess[] = [];
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let deadline: NodeJS.Timeout | undefined;
  try {
    const run = async () => {
      server = await startServer(dir);
      log(`nats-server with JetStream on ${server.url}`);

      log(`starting node 'work'`);
      const work = startNode('work', server.url);
      nodes.push(work.child);
      await work.said('ready');

      log(`starting node 'front'`);
      const front = startNode('front', server.url);
      nodes.push(front.child);
      await front.said('done');
      await front.exited();

      log(`front is done; stopping node 'work'`);
      work.child.send('stop');
      await work.said('done');
      await work.exited();

      await singletonPart(server.url, nodes);
    };
    const running = run();
    running.catch(() => {}); // after a timeout, its later failure is already reported
    await Promise.race([
      running,
      new Promise<never>((_, reject) => {
        deadline = setTimeout(() => reject(new Error('timed out after 90 s')), 90_000);
      }),
    ]);
  } finally {
    clearTimeout(deadline);
    // On failure, nodes still running are ended here (on success they have already exited).
    for (const node of nodes)
      if (node.exitCode === null && node.signalCode === null) node.kill('SIGKILL');
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
    log('nats-server stopped, its store removed');
  }
}

main().then(
  () => log('done'),
  (error: unknown) => {
    console.error('main  | failed:', error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
