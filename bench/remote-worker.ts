// The worker thread of the worker-cast case (bench/cases/worker-cast.ts). It counts what the
// main thread sends, with rxotp (a genServer behind `connectNode` + `portLink`) or with a bare
// `message` listener, and posts the count on its own port each time it reaches a multiple of
// the batch size: the main thread's batch ends there, whichever side is measured.
import { createRequire } from 'node:module';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { RemoteApi, RxotpCore } from './lib.js';

/** What the main thread hands the worker. */
export interface WorkerSetup {
  readonly mode: 'rxotp' | 'raw';
  readonly batch: number;
  /** Counts and readiness go back here, not over the port being measured. */
  readonly signal: MessagePort;
  /** Where to load rxotp from: the built package, or the sources under the smoke test. */
  readonly modules: { readonly core: string; readonly remote: string };
}

/** The raw side's message: the frame rxotp's cast puts on the port. */
export interface CastFrame {
  readonly t: 'msg';
  readonly to: number;
  readonly kind: number;
  readonly payload: number;
}

const { mode, batch, signal, modules } = workerData as WorkerSetup;
const port = parentPort!;

if (mode === 'raw') {
  let count = 0;
  port.on('message', (frame: CastFrame) => {
    if (frame.t !== 'msg') return;
    count += frame.payload;
    if (count % batch === 0) signal.postMessage(count);
  });
} else {
  const load = createRequire(__filename);
  const lib = load(modules.core) as RxotpCore;
  const remote = load(modules.remote) as RemoteApi;
  const counter = lib.genServer({
    init: () => 0,
    handleCast: (by: number, n: number) => {
      const next = n + by;
      if (next % batch === 0) signal.postMessage(next);
      return next;
    },
    handleCall: (_: 'get', _from, n: number) => ({ reply: n, state: n }),
  });
  const registry = new lib.Registry();
  registry.register('counter', lib.spawn(counter, undefined));
  // No heartbeats: a busy main thread under the benchmark must not be taken for a lost node.
  remote.connectNode({ name: 'worker', link: remote.portLink(port), registry, heartbeat: false });
}
signal.postMessage('ready');
