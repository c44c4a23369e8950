// Sharded entities across real node processes on a real JetStream nats-server
// (docs/design.md, "Sharded entities"): a node that owns shards is killed with
// SIGKILL; its entities run again elsewhere at their next message; a new node
// takes its share; a witness outside the nodes sees never two activations of
// one id at once.
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { EntityCommand, EntityNodeConfig, WitnessNote } from './entity-node-process.js';
import { startCluster, startServer } from '../remote/nats-servers.js';
import { NodeProcess } from '../remote/node-process.js';

const nodeFile = join(__dirname, 'entity-node-process.ts');
/** Lost after 10 silent heartbeats of 200 ms: soon, yet a loaded machine keeps its nodes. */
const heartbeat = { interval: 200, missed: 10 };

/** A node in a child process running entity-node-process.ts. */
class EntityNode extends NodeProcess<EntityNodeConfig, EntityCommand> {
  constructor(config: EntityNodeConfig) {
    super(nodeFile, config);
  }
}

/** The servers of the current test: one, or three routed ones; each node connects to one of them. */
let urls: string[] = [];
let stopServers: () => Promise<void> = () => Promise.resolve();
let nc: NatsConnection | undefined;
const nodes: EntityNode[] = [];

async function useServers(topology: 'one server' | 'three routed servers'): Promise<void> {
  if (topology === 'one server') {
    const server = await startServer({ jetstream: true });
    urls = [server.url];
    stopServers = () => server.stop();
  } else {
    const cluster = await startCluster(3, { jetstream: true });
    urls = cluster.urls;
    stopServers = () => cluster.stop();
  }
  nc = await connect({ servers: urls[0]! });
}

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.kill()));
  await nc?.close();
  await stopServers();
}, 60_000);

/**
 * The witness: every activation's start and end, in the order the server
 * passed them on. An activation on a killed node ends when it is killed.
 * `overlaps` lists each time an id was started while an activation of it was live.
 */
function witness(subject: string) {
  const live = new Map<string, string>();
  const starts: WitnessNote[] = [];
  const overlaps: string[] = [];
  const decoder = new TextDecoder();
  const subscription = nc!.subscribe(subject, {
    callback: (_error, message) => {
      const note = JSON.parse(decoder.decode(message.data)) as WitnessNote;
      if (note.e === 'start') {
        const holder = live.get(note.id);
        if (holder !== undefined)
          overlaps.push(`${note.id} on ${note.node} while live on ${holder}`);
        live.set(note.id, note.node);
        starts.push(note);
      } else if (live.get(note.id) === note.node) {
        live.delete(note.id);
      }
    },
  });
  return {
    starts,
    overlaps,
    where: (id: string) => live.get(id),
    killed(node: string): void {
      for (const [id, holder] of [...live]) if (holder === node) live.delete(id);
    },
    flush: () => nc!.flush(),
    stop: () => subscription.unsubscribe(),
  };
}

async function until(test: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await test()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never: ${what}`);
}

let run = 0;

test.each(['one server', 'three routed servers'] as const)(
  '%s: a node that owns shards is SIGKILLed: its entities run again elsewhere on their next message, never two at once; a new node takes its share',
  async (topology) => {
    await useServers(topology);
    const cluster = `ep${process.pid}_${++run}`;
    let joined = 0;
    const base = {
      cluster,
      bucket: `${cluster}_entities`,
      witness: `witness.${cluster}`,
      heartbeat,
    };
    const seen = witness(base.witness);
    const start = async (name: string): Promise<EntityNode> => {
      // Round the servers: on three servers, every node's traffic crosses routes.
      const node = new EntityNode({ ...base, url: urls[joined++ % urls.length]!, name });
      nodes.push(node);
      await node.ready;
      return node;
    };
    const [n0, n1, n2] = [await start('n0'), await start('n1'), await start('n2')];
    const sameMembers = async (list: EntityNode[], names: string[]): Promise<boolean> => {
      for (const n of list) {
        if ((await n.run<string[]>({ op: 'members' })).join() !== names.join()) return false;
      }
      return true;
    };
    await until(() => sameMembers([n0, n1, n2], ['n0', 'n1', 'n2']), 'three members');

    const ids = Array.from({ length: 30 }, (_, i) => `k${i}`);
    // Each id: one cast then a get, from the same node (order holds per sender).
    for (const id of ids) {
      await n0.run({ op: 'cast', id });
      expect(await n0.run({ op: 'get', id })).toBe(1);
    }
    await seen.flush();
    const onKilled = ids.filter((id) => seen.where(id) === 'n2');
    expect(onKilled.length).toBeGreaterThan(0);

    await n2.kill();
    seen.killed('n2');
    // Before the loss is noticed, the survivors' entities take messages as ever: none is lost.
    const survived = ids.filter((id) => !onKilled.includes(id));
    for (const id of survived) await n1.run({ op: 'cast', id });
    await until(() => sameMembers([n0, n1], ['n0', 'n1']), 'n2 taken for lost');
    // Every message from here on arrives: state of the killed node's entities starts afresh.
    for (const id of ids) {
      await n1.run({ op: 'cast', id });
      expect(await n1.run({ op: 'get', id })).toBe(onKilled.includes(id) ? 1 : 3);
    }
    await seen.flush();
    for (const id of onKilled) expect(['n0', 'n1']).toContain(seen.where(id));

    const n3 = await start('n3');
    await until(() => sameMembers([n0, n1, n3], ['n0', 'n1', 'n3']), 'n3 a member');
    for (const id of ids) {
      await n3.run({ op: 'cast', id });
      await n3.run({ op: 'get', id });
    }
    await seen.flush();
    const onNew = ids.filter((id) => seen.where(id) === 'n3');
    expect(onNew.length).toBeGreaterThan(0);
    expect(seen.overlaps).toEqual([]);
    // Each id is live exactly once, as the witness sees it.
    for (const id of ids) expect(seen.where(id)).toBeDefined();
    seen.stop();
  },
  180_000,
);
