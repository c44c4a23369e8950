// Case 11: cast from the main thread to a genServer in a worker thread (`connectNode` over
// `portLink`), against posting the same frame on the same `Worker` to a listener that counts.
// Both workers run bench/remote-worker.ts and report their count on a port of their own.
import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { Pid, Rxotp } from '../lib.js';
import type { BenchCase, CaseResult, Measure } from '../measure.js';
import type { Impl, Running } from '../per-op.js';
import type { CastFrame, WorkerSetup } from '../remote-worker.js';
import { alternating, versus } from './rounds.js';

const RXOTP = 'rxotp cast → pid in a worker (portLink)';
const RAW = 'Worker.postMessage(frame) → listener';

/** rxotp's wire number for a cast, so the raw frames are the frames rxotp posts. */
const CAST_KIND = 1;

// The worker runs TypeScript through tsx's require hook (a loader given in `execArgv` does not
// reach a worker on every Node version; a hook registered inside the worker does).
const ENTRY = join(__dirname, '..', 'remote-worker.ts');
const TSX = require.resolve('tsx/cjs');

/** A worker thread of bench/remote-worker.ts and the count it reports. */
interface Counting {
  readonly worker: Worker;
  /** Resolves once the worker has counted `n` (rejects if it fails first). */
  reach(n: number): Promise<void>;
  /** The last count it reported. */
  counted(): number;
  close(): Promise<void>;
}

async function startWorker(
  lib: Rxotp,
  mode: WorkerSetup['mode'],
  batch: number,
): Promise<Counting> {
  const { port1, port2 } = new MessageChannel();
  const setup: WorkerSetup = { mode, batch, signal: port2, modules: lib.remote.modules };
  const worker = new Worker(`require(${JSON.stringify(TSX)}); require(${JSON.stringify(ENTRY)});`, {
    eval: true,
    workerData: setup,
    transferList: [port2],
  });
  let counted = 0;
  let failed: Error | null = null;
  // Whoever waits: first for 'ready', then for a count. A worker that fails fails them.
  let waiting: { at: number; resolve(): void; reject(error: Error): void } | null = null;
  const wait = (at: number): Promise<void> =>
    failed !== null
      ? Promise.reject(failed)
      : new Promise((resolve, reject) => (waiting = { at, resolve, reject }));
  const fail = (error: Error): void => {
    failed ??= error;
    waiting?.reject(failed);
    waiting = null;
  };
  port1.on('message', (value: number | 'ready') => {
    if (value !== 'ready') counted = value;
    if (waiting !== null && counted >= waiting.at) {
      waiting.resolve();
      waiting = null;
    }
  });
  worker.once('error', fail);
  worker.once('exit', (code) => fail(new Error(`the worker exited (code ${code})`)));
  const handle: Counting = {
    worker,
    reach: (at) => (counted >= at ? Promise.resolve() : wait(at)),
    counted: () => counted,
    close: async () => {
      port1.close();
      await worker.terminate();
    },
  };
  try {
    await wait(0);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

export function workerCastImpls(lib: Rxotp): Impl[] {
  return [
    {
      name: RXOTP,
      async start(size): Promise<Running> {
        const counting = await startWorker(lib, 'rxotp', size);
        // No heartbeats, as in the worker: casts send nothing back, so a heartbeat would be the
        // only proof of life and a busy thread could miss one.
        const node = lib.remote.connectNode({
          name: 'main',
          link: lib.remote.portLink(counting.worker),
          heartbeat: false,
        });
        const pid: Pid | undefined = await node.whereis('counter');
        if (pid === undefined) throw new Error('the worker registered no counter');
        let sent = 0;
        return {
          batch: {
            async: async () => {
              for (let i = 0; i < size; i++) lib.cast(pid, 1);
              await counting.reach((sent += size));
            },
          },
          handled: () => lib.call(pid, 'get') as Promise<number>,
          stop: async () => {
            node.close();
            await counting.close();
          },
        };
      },
    },
    {
      name: RAW,
      async start(size): Promise<Running> {
        const counting = await startWorker(lib, 'raw', size);
        let sent = 0;
        return {
          batch: {
            async: async () => {
              for (let i = 0; i < size; i++) {
                const frame: CastFrame = { t: 'msg', to: 1, kind: CAST_KIND, payload: 1 };
                counting.worker.postMessage(frame);
              }
              await counting.reach((sent += size));
            },
          },
          handled: () => counting.counted(),
          stop: () => counting.close(),
        };
      },
    },
  ];
}

export async function workerCastCase(
  lib: Rxotp,
  measure: Measure,
  batch: number,
): Promise<CaseResult> {
  const timed = await alternating(measure, batch, workerCastImpls(lib));
  return versus(
    'worker-cast',
    '11. cast to a pid in a worker thread',
    timed,
    'worker cast vs Worker.postMessage',
    1.3,
  );
}

export const workerCast: BenchCase = {
  id: 'worker-cast',
  title: '11. cast to a worker thread',
  size: 1000,
  smokeSize: 20,
  run: workerCastCase,
};
