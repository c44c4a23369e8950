import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { firstValueFrom } from 'rxjs';
import { ActorExitError, call, cast, type ExitReason } from '../../src/index.js';
import { NodeDownError, connectNode, portLink } from '../../src/remote/index.js';
import { useUnhandledErrors } from '../support.js';

useUnhandledErrors();

// The worker runs the TypeScript sources through tsx's require hook: no build
// needed. (A loader given by `execArgv: ['--import', 'tsx']` does not reach a
// worker on every Node version; a hook registered inside the worker does.)
const startWorker = (): Worker =>
  new Worker(`require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'worker-node.ts'))});`, {
    eval: true,
  });

test('a node in a worker thread: cast, call, a crash, and the thread ending', async () => {
  const worker = startWorker();
  const node = connectNode({ name: 'main', link: portLink(worker), heartbeat: false });
  try {
    const adder = await node.whereis('adder');
    expect(adder?.node).toBe('worker');
    cast(adder!, 2);
    cast(adder!, 3);
    expect(await call(adder!, 'sum', { timeout: 20_000 })).toBe(5);
    const crash = await call(adder!, 'crash', { timeout: 20_000 }).catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(ActorExitError);
    const cause = ((crash as ActorExitError).reason as { error: Error }).error;
    expect(cause.message).toBe('crashed in the worker');
    // The crash freed the name on the worker's node.
    expect(await node.whereis('adder')).toBeUndefined();
  } finally {
    // The thread ends: the link closes and the node is down.
    await worker.terminate();
  }
  const down = await firstValueFrom(node.down$);
  expect(down).toBeInstanceOf(NodeDownError);
  expect(down.node).toBe('worker');
}, 60_000);

test('a worker thread that exits takes its pids down', async () => {
  const worker = startWorker();
  const node = connectNode({ name: 'main', link: portLink(worker), heartbeat: false });
  const adder = await node.whereis('adder');
  const exited = firstValueFrom(adder!.exit$);
  await worker.terminate();
  const reason: ExitReason = await exited;
  expect(reason.kind).toBe('error');
  expect((reason as { error: unknown }).error).toBeInstanceOf(NodeDownError);
}, 60_000);
