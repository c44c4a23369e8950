// A node in a worker thread, for worker-thread.spec.ts: it exports an adder
// under the name 'adder' to the main thread.
import { parentPort } from 'node:worker_threads';
import { Registry, genServer, spawn } from '../../src/index.js';
import { connectNode, portLink } from '../../src/remote/index.js';

const adder = genServer<{
  state: number;
  args: number;
  call: 'sum' | 'crash';
  reply: number;
  cast: number;
}>()({
  init: (n) => n,
  handleCall: (req, _from, n) => {
    if (req === 'crash') throw new Error('crashed in the worker');
    return { reply: n, state: n };
  },
  handleCast: (k, n) => n + k,
});

const registry = new Registry();
registry.register('adder', spawn(adder, 0));
connectNode({ name: 'worker', link: portLink(parentPort!), registry, heartbeat: false });
