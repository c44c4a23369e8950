// The cluster registry's failure paths, against a bucket that fails on demand:
// JetStream without a leader answers 503, and the registry retries until the
// write lands or is superseded.
import { JetStreamApiError } from '@nats-io/jetstream';
import { asyncScheduler, firstValueFrom, type SchedulerLike } from 'rxjs';
import {
  AlreadyRegisteredError,
  genServer,
  reports$,
  spawn,
  stop,
  type Pid,
  type Report,
} from '../../src/index.js';
import {
  RegistryUnavailableError,
  joinCluster,
  jsonCodec,
  type ClusterConnection,
  type ClusterKv,
  type ClusterKvEntry,
  type ClusterNode,
} from '../../src/remote/index.js';
import { useUnhandledErrors } from '../support.js';

const unhandled = useUnhandledErrors();

const idle = genServer<{ state: null; args: null; call: never; reply: never }>()({
  init: () => null,
});

/** What a KV call answered 503 (no JetStream leader) rejects with. */
const noLeader = (): Error => Object.assign(new Error('503'), { code: '503' });
/** What a lost compare-and-set rejects with (@nats-io/kv 3.x). */
const wrongSequence = (): Error =>
  new JetStreamApiError({ code: 400, err_code: 10071, description: 'wrong last sequence: 1' });

/** A bucket in memory holding `initial`, whose next writes fail as `failures` says. */
function fakeKv(
  failures: (() => Error)[],
  initial: ClusterKvEntry[] = [],
): ClusterKv & { writes: number; deletes: number } {
  let revision = Math.max(0, ...initial.map((entry) => entry.revision));
  const kv = {
    writes: 0,
    deletes: 0,
    create(): Promise<number> {
      kv.writes += 1;
      const failure = failures.shift();
      return failure === undefined ? Promise.resolve(++revision) : Promise.reject(failure());
    },
    update(): Promise<number> {
      return Promise.resolve(++revision);
    },
    delete(): Promise<void> {
      kv.deletes += 1;
      const failure = failures.shift();
      return failure === undefined ? Promise.resolve() : Promise.reject(failure());
    },
    status() {
      return Promise.resolve({ streamInfo: { state: { last_seq: revision } } });
    },
    watch() {
      const queue = [...initial];
      const iterator: AsyncIterable<ClusterKvEntry> & { stop(): void } = {
        stop: () => undefined,
        [Symbol.asyncIterator]: () => ({
          next: () => {
            const value = queue.shift();
            if (value !== undefined) return Promise.resolve({ value, done: false });
            return new Promise<IteratorResult<ClusterKvEntry>>(() => undefined);
          },
        }),
      };
      return Promise.resolve(iterator);
    },
  };
  return kv;
}

type SubscriptionCallback = Parameters<ClusterConnection['subscribe']>[1]['callback'];

/** A connection that carries nothing out (what is published lands in `published`). */
function fakeConnection(
  callbacks: SubscriptionCallback[] = [],
  published: { subject: string; data: Uint8Array }[] = [],
): ClusterConnection {
  return {
    publish: (subject, data = new Uint8Array()) => {
      published.push({ subject, data });
    },
    subscribe: (_subject, { callback }) => {
      callbacks.push(callback);
      return { unsubscribe: () => undefined };
    },
    flush: () => Promise.resolve(),
    closed: () => new Promise(() => undefined),
  };
}

// Retries wait on the node's scheduler: here every wait is over at once.
const instant: SchedulerLike = {
  now: () => asyncScheduler.now(),
  schedule: (work, _delay, state) => asyncScheduler.schedule(work as never, 0, state),
};

const nodes: ClusterNode[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.close();
});

async function nodeWith(
  kv: ClusterKv,
  callbacks: SubscriptionCallback[] = [],
  published: { subject: string; data: Uint8Array }[] = [],
): Promise<ClusterNode> {
  const node = await joinCluster({
    connection: fakeConnection(callbacks, published),
    bucket: kv,
    name: 'solo',
    scheduler: instant,
    // Never due within a test: only the registry's retries use the scheduler.
    heartbeat: { interval: 2 ** 30 },
  });
  nodes.push(node);
  return node;
}

const exitOf = (pid: Pid) => firstValueFrom(pid.exit$);

describe('ClusterRegistry when the bucket fails', () => {
  test('503s (no JetStream leader) are retried: the claim resolves once a write goes through', async () => {
    const kv = fakeKv([noLeader, noLeader, noLeader]);
    const node = await nodeWith(kv);
    const pid = spawn(idle, null);
    await node.registry.claim('db', pid);
    expect(kv.writes).toBe(4);
    expect(node.registry.whereis('db')).toBe(pid);
  });

  test('a bucket unavailable for a long while: the claim waits, retrying, and resolves once a write lands', async () => {
    const kv = fakeKv(Array.from({ length: 50 }, () => noLeader));
    const node = await nodeWith(kv);
    const seen: Report[] = [];
    const subscription = reports$.subscribe((r) => seen.push(r));
    const pid = spawn(idle, null);
    try {
      await node.registry.claim('db', pid);
    } finally {
      subscription.unsubscribe();
    }
    expect(kv.writes).toBe(51);
    expect(node.registry.whereis('db')).toBe(pid);
    expect(pid.target.reason).toBeUndefined();
    // The retries are reported on the first try and every 10th, not each time.
    const retries = seen.filter((r) => r.kind === 'remote');
    expect(retries.map((r) => r.kind === 'remote' && r.operation)).toEqual(
      Array.from({ length: 6 }, () => "registry write of 'db' (retrying)"),
    );
  });

  test('register while the bucket fails: the pid stays registered and running until its write lands', async () => {
    const kv = fakeKv(Array.from({ length: 20 }, () => noLeader));
    const node = await nodeWith(kv);
    const pid = spawn(idle, null);
    node.registry.register('db', pid);
    expect(node.registry.whereis('db')).toBe(pid);
    while (kv.writes < 21) await new Promise((resolve) => setTimeout(resolve, 5));
    // A later claim of the same pid is answered at once: the name is in the bucket.
    await node.registry.claim('db', pid);
    expect(node.registry.whereis('db')).toBe(pid);
    expect(pid.target.reason).toBeUndefined();
  });

  test('a write superseded while it is retried (the pid exits) stops being tried', async () => {
    const kv = fakeKv(Array.from({ length: 1000 }, () => noLeader));
    const node = await nodeWith(kv);
    const pid = spawn(idle, null);
    node.registry.register('db', pid);
    while (kv.writes < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    stop(pid);
    expect(node.registry.whereis('db')).toBeUndefined();
    // The retry in progress notices the name is gone and gives up.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const writes = kv.writes;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(kv.writes).toBe(writes);
  });

  test('a lost compare-and-set is not retried: the register loser exits with AlreadyRegisteredError', async () => {
    const kv = fakeKv([wrongSequence]);
    const node = await nodeWith(kv);
    const pid = spawn(idle, null);
    node.registry.register('db', pid);
    const reason = await exitOf(pid);
    expect(reason.kind === 'error' && reason.error).toBeInstanceOf(AlreadyRegisteredError);
    expect(kv.writes).toBe(1);
  });

  test("unregistering another node's name asks its owner (a frame to that node); the bucket is not touched here", async () => {
    const value = jsonCodec.encode({ node: 'far', address: 'far.r1', id: 7, hold: -1 });
    const kv = fakeKv([], [{ key: 'db', value, revision: 1, operation: 'PUT' }]);
    const published: { subject: string; data: Uint8Array }[] = [];
    const node = await nodeWith(kv, [], published);
    expect(node.registry.whereis('db')?.node).toBe('far');
    expect(node.registry.unregister('db')).toBe(true);
    expect(node.registry.whereis('db')).toBeUndefined();
    const toFar = published
      .filter((m) => m.subject.endsWith('.t.far.r1'))
      .map((m) => jsonCodec.decode(m.data));
    expect(toFar).toContainEqual(expect.objectContaining({ t: 'unreg', name: 'db', id: 7 }));
    expect(kv.deletes).toBe(0);
  });

  test("an error on the node's subscriptions (a permissions violation) is reported", async () => {
    const callbacks: SubscriptionCallback[] = [];
    await nodeWith(fakeKv([]), callbacks);
    const violation = new Error('Permissions Violation for Subscription');
    for (const callback of callbacks) callback(violation, { subject: '', data: new Uint8Array() });
    expect(unhandled()).toHaveBeenCalledTimes(callbacks.length);
    expect(unhandled()).toHaveBeenCalledWith(violation);
  });

  test('claim after the node left rejects at once', async () => {
    const node = await nodeWith(fakeKv([]));
    await node.close();
    await expect(node.registry.claim('late', spawn(idle, null))).rejects.toBeInstanceOf(
      RegistryUnavailableError,
    );
  });
});

describe('ClusterRegistry when the watch stalls', () => {
  test('a watch that stops delivering without ending is reopened from the last revision: the name shows', async () => {
    // The bucket moves on (another node writes 'db'), but the first watch never
    // tells of it and never ends, as when the server hosting its consumer is lost.
    const value = jsonCodec.encode({ node: 'far', address: 'far.r1', id: 7, hold: -1 });
    const before = jsonCodec.encode({ node: 'far', address: 'far.r1', id: 6, hold: -1 });
    const log: ClusterKvEntry[] = [{ key: 'early', value: before, revision: 1, operation: 'PUT' }];
    const opened: ({ resumeFromRevision?: number } | undefined)[] = [];
    const kv: ClusterKv = {
      create: () => Promise.resolve(1),
      update: () => Promise.resolve(1),
      delete: () => Promise.resolve(),
      status: () =>
        Promise.resolve({ streamInfo: { state: { last_seq: log.at(-1)?.revision ?? 0 } } }),
      watch(options) {
        opened.push(options);
        // Each watch tells what the bucket holds when it opens; the first one, nothing after.
        const from = options?.resumeFromRevision ?? 1;
        const queue = log.filter((entry) => entry.revision >= from);
        let stopped: (() => void) | undefined;
        const end = new Promise<IteratorResult<ClusterKvEntry>>(
          (resolve) => (stopped = () => resolve({ value: undefined, done: true })),
        );
        return Promise.resolve({
          stop: () => stopped?.(),
          [Symbol.asyncIterator]: () => ({
            next: () => {
              const entry = queue.shift();
              return entry === undefined ? end : Promise.resolve({ value: entry, done: false });
            },
          }),
        });
      },
    };
    // Node 'far' is heard from all along, so it is never taken for lost here.
    const presence: SubscriptionCallback[] = [];
    const connection = fakeConnection();
    const subscribe = connection.subscribe.bind(connection);
    connection.subscribe = (subject, options) => {
      if (subject.endsWith('.*.*.*')) presence.push(options.callback);
      return subscribe(subject, options);
    };
    const heartbeats = setInterval(() => {
      for (const callback of presence) {
        callback(null, { subject: 'rxotp.f.far.r1.hb', data: new Uint8Array() });
      }
    }, 10);
    try {
      const node = await joinCluster({
        connection,
        name: 'solo',
        bucket: kv,
        heartbeat: { interval: 20 },
      });
      nodes.push(node);
      expect(String(node.registry.whereis('early'))).toBe('<pid 6@far>');
      log.push({ key: 'db', value, revision: 2, operation: 'PUT' });
      const deadline = Date.now() + 20_000;
      while (node.registry.whereis('db') === undefined && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect({
        shown: String(node.registry.whereis('db')),
        watches: opened.map((options) => options?.resumeFromRevision ?? 'from the start'),
      }).toEqual({ shown: '<pid 7@far>', watches: ['from the start', 2] });
    } finally {
      clearInterval(heartbeats);
    }
  }, 30_000);
});

describe('ClusterRegistry when a lost node comes back', () => {
  test('the delete of its names is not retried once it is met again: its name stays shown', async () => {
    // 'far' holds 'db'; it falls silent (lost here), the bucket refuses every
    // delete (out of reach), and then 'far' is heard from again.
    const value = jsonCodec.encode({ node: 'far', address: 'far.r1', id: 7, hold: -1 });
    const kv = fakeKv(
      Array.from({ length: 100 }, () => noLeader),
      [{ key: 'db', value, revision: 1, operation: 'PUT' }],
    );
    const presence: SubscriptionCallback[] = [];
    const connection = fakeConnection();
    const subscribe = connection.subscribe.bind(connection);
    connection.subscribe = (subject, options) => {
      if (subject.endsWith('.*.*.*')) presence.push(options.callback);
      return subscribe(subject, options);
    };
    let speaking = true;
    const heartbeats = setInterval(() => {
      if (!speaking) return;
      for (const callback of presence) {
        callback(null, { subject: 'rxotp.f.far.r1.hb', data: new Uint8Array() });
      }
    }, 10);
    const poll = async (what: string, check: () => boolean): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    try {
      const node = await joinCluster({
        connection,
        name: 'solo',
        bucket: kv,
        heartbeat: { interval: 50, missed: 3 },
      });
      nodes.push(node);
      expect(String(node.registry.whereis('db'))).toBe('<pid 7@far>');
      speaking = false;
      await poll("'far' to be lost and its delete tried", () => kv.deletes > 0);
      expect(node.registry.whereis('db')).toBeUndefined();
      speaking = true;
      await poll("'far' to be met again", () => node.registry.whereis('db') !== undefined);
      const tried = kv.deletes;
      // Retries were due every 100 ms to 2 s: none follows now.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect({ shown: String(node.registry.whereis('db')), deletes: kv.deletes }).toEqual({
        shown: '<pid 7@far>',
        deletes: tried,
      });
    } finally {
      clearInterval(heartbeats);
    }
  }, 30_000);
});
