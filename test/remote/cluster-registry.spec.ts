// The cluster registry's failure paths, against a bucket that fails on demand:
// JetStream without a leader answers 503, and the registry retries, then gives up.
import { asyncScheduler, firstValueFrom, type SchedulerLike } from 'rxjs';
import { AlreadyRegisteredError, genServer, spawn, type Pid } from '../../src/index.js';
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

const idle = genServer<null, null, never, never>({ init: () => null });

/** What a KV call answered 503 (no JetStream leader) rejects with. */
const noLeader = (): Error => Object.assign(new Error('503'), { code: '503' });
/** What a lost compare-and-set rejects with. */
const wrongSequence = (): Error =>
  Object.assign(new Error('wrong last sequence: 1'), {
    code: '400',
    api_error: { code: 400, err_code: 10071, description: 'wrong last sequence: 1' },
  });

/** A bucket in memory holding `initial`, whose next writes fail as `failures` says. */
function fakeKv(
  failures: (() => Error)[],
  initial: ClusterKvEntry[] = [],
): ClusterKv & { writes: number } {
  let revision = 0;
  const kv = {
    writes: 0,
    create(): Promise<number> {
      kv.writes += 1;
      const failure = failures.shift();
      return failure === undefined ? Promise.resolve(++revision) : Promise.reject(failure());
    },
    update(): Promise<number> {
      return Promise.resolve(++revision);
    },
    delete(): Promise<void> {
      const failure = failures.shift();
      return failure === undefined ? Promise.resolve() : Promise.reject(failure());
    },
    watch(options: { initializedFn?: () => void }) {
      const queue = [...initial];
      const iterator: AsyncIterable<ClusterKvEntry> & { stop(): void } = {
        stop: () => undefined,
        [Symbol.asyncIterator]: () => ({
          next: () => {
            const value = queue.shift();
            if (value !== undefined) return Promise.resolve({ value, done: false });
            options.initializedFn?.();
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

/** A connection that carries nothing, with `kv` as its JetStream bucket. */
function fakeConnection(kv: ClusterKv, callbacks: SubscriptionCallback[] = []): ClusterConnection {
  return {
    publish: () => undefined,
    subscribe: (_subject, { callback }) => {
      callbacks.push(callback);
      return { unsubscribe: () => undefined };
    },
    flush: () => Promise.resolve(),
    closed: () => new Promise(() => undefined),
    jetstream: () => ({ views: { kv: () => Promise.resolve(kv) } }),
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
): Promise<ClusterNode> {
  const node = await joinCluster({
    connection: fakeConnection(kv, callbacks),
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

  test('a bucket that stays unavailable: claim rejects with RegistryUnavailableError, the name is undone', async () => {
    const node = await nodeWith(fakeKv(Array.from({ length: 50 }, () => noLeader)));
    const pid = spawn(idle, null);
    const error = await node.registry.claim('db', pid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect((error as RegistryUnavailableError).registeredName).toBe('db');
    expect(node.registry.whereis('db')).toBeUndefined();
    // claim leaves the pid running.
    expect(pid.target.reason).toBeUndefined();
  });

  test('the same with register: the pid exits with RegistryUnavailableError', async () => {
    const node = await nodeWith(fakeKv(Array.from({ length: 50 }, () => noLeader)));
    const pid = spawn(idle, null);
    node.registry.register('db', pid);
    expect(node.registry.whereis('db')).toBe(pid);
    const reason = await exitOf(pid);
    expect(reason.kind === 'error' && reason.error).toBeInstanceOf(RegistryUnavailableError);
    expect(node.registry.whereis('db')).toBeUndefined();
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

  test("unregistering another node's name when the bucket fails: the failure is reported", async () => {
    const value = jsonCodec.encode({ node: 'far', address: 'far-1', id: 7, hold: -1 });
    const kv = fakeKv([noLeader], [{ key: 'db', value, revision: 1, operation: 'PUT' }]);
    const node = await nodeWith(kv);
    expect(node.registry.whereis('db')?.node).toBe('far');
    expect(node.registry.unregister('db')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(unhandled()).toHaveBeenCalledWith(expect.objectContaining({ message: '503' }));
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
