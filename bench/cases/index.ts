// Every case, in the order `npm run bench` runs them. The smoke test runs the same list.
import type { BenchCase } from '../measure.js';
import { bigTree } from './big-tree.js';
import { call } from './call.js';
import { cast } from './cast.js';
import { pingPong } from './ping-pong.js';
import { registry } from './registry.js';
import { restarts } from './restarts.js';
import { spawn } from './spawn.js';

export const CASES: readonly BenchCase[] = [
  cast,
  call,
  pingPong,
  spawn,
  restarts,
  bigTree,
  registry,
];
