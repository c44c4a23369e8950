// Runs only rxotp's side of one case for a few seconds, for a CPU profile of the built package:
//   npm run build
//   node --cpu-prof --cpu-prof-dir=bench/results/profiles --import tsx bench/profile.ts <case> [seconds]
//   node --import tsx bench/top-self.ts bench/results/profiles/<file>.cpuprofile
import type * as Source from '../src/index.js';
import * as built from 'rxotp';
import { asLib } from './built.js';
import { bigTreeOnce } from './cases/big-tree.js';
import { callImpls } from './cases/call.js';
import { castImpls } from './cases/cast.js';
import { rxotpRally } from './cases/ping-pong.js';
import { restartsPerSecond } from './cases/restarts.js';
import { spawners } from './cases/spawn.js';
import type { Rxotp } from './lib.js';
import { now } from './measure.js';
import type { Impl } from './per-op.js';

/** Repeats `step` until `seconds` have passed. */
async function during(seconds: number, step: () => unknown): Promise<void> {
  const end = now() + seconds * 1000;
  while (now() < end) await step();
}

async function loop(impl: Impl, seconds: number): Promise<void> {
  const running = await impl.start(1000);
  const { batch } = running;
  await during(seconds, typeof batch === 'function' ? batch : batch.async);
  await running.stop();
}

const WORK: Record<string, (lib: Rxotp, seconds: number) => Promise<void>> = {
  cast: (lib, s) => loop(castImpls(lib)[0]!, s),
  call: (lib, s) => loop(callImpls(lib)[0]!, s),
  'ping-pong': (lib, s) => during(s, () => rxotpRally(lib, 1_000_000)),
  spawn: (lib, s) => {
    const spawner = spawners(lib)[0]!;
    return during(s, () => {
      const held = Array.from({ length: 100_000 }, () => spawner.spawn());
      return spawner.stopAll(held);
    });
  },
  restarts: (lib, s) => during(s, () => restartsPerSecond(lib, 100_000)),
  'big-tree': (lib, s) => during(s, () => bigTreeOnce(lib, 200_000)),
  registry: (lib, s) => {
    const counter = lib.genServer({ init: () => 0, handleCast: (by: number, n: number) => n + by });
    const registry = new lib.Registry();
    const pid = lib.spawn(counter, undefined, { name: 'counter', registry });
    const address = lib.via<Source.Protocol>(registry, 'counter');
    return during(s, () => {
      for (let i = 0; i < 1000; i++) lib.cast(address, 1);
    }).then(() => void lib.stop(pid));
  },
};

const [id = '', seconds = '5'] = process.argv.slice(2);
const work = WORK[id];
if (work === undefined) {
  console.error(`usage: profile.ts <${Object.keys(WORK).join('|')}> [seconds]`);
  process.exit(2);
}
work(asLib(built), Number(seconds)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
