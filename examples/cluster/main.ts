// A cluster of two nodes, each its own process, on one machine. It starts a
// local nats-server with JetStream (the cluster registry lives in a KV bucket),
// then node "work", whose supervisor runs a worker registered cluster-wide as
// 'worker', then node "front", which calls that worker by name, makes it crash,
// watches the name move to the restarted incarnation and keeps calling it.
// Then three more node processes (member-node.ts) each declare the cluster
// singleton 'clock' and host the sharded entities 'page' (a visit counter per
// page id): the clock runs on one of them, and each page on the node that owns
// its shard. main.ts kills the clock's node with SIGKILL: the clock comes back
// on a survivor, which every survivor reaches by the same name, and the killed
// node's pages answer again from their new owners, through the same
// entity(region, id) addresses. Everything is shut down at the end; a failure
// anywhere exits nonzero.
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
import type { FromNode, Visit, Visited } from './member-node.js';

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

/** A member-node.ts process; its output goes straight to ours. */
function startMemberNode(name: string, url: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'member-node.ts'), name, url],
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
type MemberNode = ReturnType<typeof startMemberNode>;

const isReady = (m: FromNode): m is 'ready' => m === 'ready';
const isDone = (m: FromNode): m is 'done' => m === 'done';
const isRunning = (m: FromNode): m is { running: string } =>
  typeof m === 'object' && 'running' in m;
const isAnswer = (m: FromNode): m is { answered: string } =>
  typeof m === 'object' && 'answered' in m;
const isVisited = (m: FromNode): m is { visited: readonly Visited[] } =>
  typeof m === 'object' && 'visited' in m;

/** Page ids; as the three nodes are named, two of them fall in each node's shards. */
const PAGES = ['alice', 'bob', 'dave', 'frank', 'ivan', 'judy'];

/** Resolves once each node's view has `members` nodes hosting pages (it visits none). */
async function settled(nodes: readonly MemberNode[], members: number): Promise<void> {
  const answers = nodes.map((n) => n.next(isVisited));
  for (const n of nodes) n.child.send({ visit: [], members } satisfies Visit);
  await Promise.all(answers);
}

/** Asks `node` to visit every page; prints where each answered. */
async function visit(node: MemberNode, members: number): Promise<Visited[]> {
  const answer = node.next(isVisited);
  node.child.send({ visit: PAGES, members } satisfies Visit);
  const { visited } = await answer;
  for (const v of visited)
    log(`  page '${v.id}' answers from '${v.node}', ${v.visits} visit(s) there`);
  return [...visited];
}

/** Asks each node to call the clock by name; resolves with the answers. */
async function ask(nodes: readonly MemberNode[]): Promise<string[]> {
  const answers = nodes.map((n) => n.next(isAnswer));
  for (const n of nodes) n.child.send('ask');
  return (await Promise.all(answers)).map((a) => a.answered);
}

/**
 * Three nodes declare singleton 'clock' and host the pages; the clock's node is killed, and
 * the clock and that node's pages come back on the others.
 */
async function membersPart(url: string, nodes: ChildProcess[]): Promise<void> {
  log(
    `starting nodes 'one', 'two' and 'three', each declaring the singleton 'clock' and hosting pages`,
  );
  const all = ['one', 'two', 'three'].map((name) => startMemberNode(name, url));
  nodes.push(...all.map((n) => n.child));
  const first = Promise.race(all.map((n) => n.next(isRunning)));
  await Promise.all(all.map((n) => n.next(isReady)));
  const owner = (await first).running;
  log(`the clock runs on '${owner}'`);
  await ask(all);
  await settled(all, 3);
  log(`node 'one' visits each page through entity(pages, id):`);
  const before = await visit(all[0]!, 3);
  const moving = before.filter((v) => v.node === owner).map((v) => v.id);
  if (moving.length === 0) throw new Error(`no page runs on '${owner}'`);

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
  await settled(survivors, 2);
  const asker = survivors[0]!;
  log(
    `node '${asker.name}' visits each page again; those of '${owner}' start on their new owners:`,
  );
  const after = await visit(asker, 2);
  for (const v of after) {
    const was = before.find((b) => b.id === v.id)!;
    // A moved page starts afresh (1 visit); one that stayed keeps its count (2 visits).
    const expected = moving.includes(v.id) ? 1 : 2;
    if (
      v.node === owner ||
      (!moving.includes(v.id) && v.node !== was.node) ||
      v.visits !== expected
    ) {
      throw new Error(`page '${v.id}' answered from '${v.node}' with ${v.visits} visit(s)`);
    }
  }
  log(`pages ${moving.map((id) => `'${id}'`).join(' and ')} of '${owner}' came back elsewhere`);

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

      await membersPart(server.url, nodes);
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
