// A cluster of two nodes, each its own process, on one machine. It starts a
// local nats-server with JetStream (the cluster registry lives in a KV bucket),
// then node "work", whose supervisor runs a worker registered cluster-wide as
// 'worker', then node "front", which calls that worker by name, makes it crash,
// watches the name move to the restarted incarnation and keeps calling it.
// Everything is shut down at the end; a failure anywhere exits nonzero.
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
    };
    const running = run();
    running.catch(() => {}); // after a timeout, its later failure is already reported
    await Promise.race([
      running,
      new Promise<never>((_, reject) => {
        deadline = setTimeout(() => reject(new Error('timed out after 30 s')), 30_000);
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
