// Every case, in the order `npm run bench` runs them. The smoke test runs the same list.
import type { BenchCase } from '../measure.js';
import { bigTree } from './big-tree.js';
import { boundedCast } from './bounded-cast.js';
import { call } from './call.js';
import { cast } from './cast.js';
import { pingPong } from './ping-pong.js';
import { registry } from './registry.js';
import { clusterRegister, remoteCall, remoteCast } from './remote.js';
import { restarts } from './restarts.js';
import { spawn } from './spawn.js';
import { workerCast } from './worker-cast.js';

export const CASES: readonly BenchCase[] = [
  cast,
  boundedCast,
  call,
  pingPong,
  spawn,
  restarts,
  bigTree,
  registry,
  remoteCast,
  remoteCall,
  clusterRegister,
  workerCast,
];
