// Case 4: spawn `size` idle actors, holding every handle: time per spawn and heap retained
// per actor, against a Subject with one subscription, XState actors and Effect fibers.
import { Effect, Fiber, Queue } from 'effect';
import { Subject } from 'rxjs';
import { createActor, fromTransition, type Actor } from 'xstate';
import type { Pid, Rxotp } from '../lib.js';
import {
  ahead,
  against,
  collectGarbage,
  fmt,
  heapUsed,
  median,
  now,
  ratioAtMost,
  repeat,
  settle,
  type BenchCase,
  type CaseResult,
  type Measure,
} from '../measure.js';

export interface Spawner {
  readonly name: string;
  /** Starts one idle actor and returns what a user would hold to talk to it. */
  spawn(): unknown;
  /** Ends every actor `spawn` returned. */
  stopAll(held: readonly unknown[]): void | Promise<void>;
}

interface Sample {
  readonly nsPerSpawn: number;
  readonly bytesPerActor: number;
}

const add = (state: number, by: number): number => state + by;

export function spawners(lib: Rxotp): Spawner[] {
  const counter = lib.genServer({ init: () => 0, handleCast: add });
  const logic = fromTransition((n: number, _e: { type: 'inc' }) => n + 1, 0);
  return [
    {
      name: 'rxotp spawn(genServer)',
      spawn: () => lib.spawn(counter, undefined),
      stopAll: (held) => {
        for (const pid of held as Pid[]) lib.stop(pid);
      },
    },
    {
      name: 'rxjs new Subject + subscribe',
      spawn: () => {
        const mailbox = new Subject<number>();
        let state = 0;
        mailbox.subscribe((by) => {
          state = add(state, by);
        });
        return mailbox;
      },
      stopAll: (held) => {
        for (const mailbox of held as Subject<number>[]) mailbox.complete();
      },
    },
    {
      name: 'XState v5 createActor().start()',
      spawn: () => createActor(logic).start(),
      stopAll: (held) => {
        for (const actor of held as Actor<typeof logic>[]) actor.stop();
      },
    },
    // An Effect actor is its mailbox and the fiber taking from it: the user holds both.
    {
      name: 'Effect Queue + forked fiber',
      spawn: () => {
        const mailbox = Effect.runSync(Queue.unbounded<number>());
        let state = 0;
        const fiber = Effect.runFork(
          Effect.forever(Effect.map(Queue.take(mailbox), (by) => (state = add(state, by)))),
        );
        return { mailbox, fiber };
      },
      stopAll: async (held) => {
        const fibers = (held as { fiber: Fiber.RuntimeFiber<never> }[]).map((a) => a.fiber);
        await Effect.runPromise(Fiber.interruptAll(fibers));
      },
    },
  ];
}

async function sample(spawner: Spawner, size: number): Promise<Sample> {
  // The holder array is allocated before the first heap reading: only the actors are counted.
  const held = new Array<unknown>(size).fill(null);
  await settle();
  collectGarbage();
  const before = heapUsed();
  const t0 = now();
  for (let i = 0; i < size; i++) held[i] = spawner.spawn();
  const elapsed = now() - t0;
  // Effect fibers finish suspending on later turns; let every implementation settle alike.
  await settle();
  collectGarbage();
  const after = heapUsed();
  await spawner.stopAll(held);
  held.fill(null);
  await settle();
  return { nsPerSpawn: (elapsed * 1e6) / size, bytesPerActor: (after - before) / size };
}

export async function spawnCase(lib: Rxotp, measure: Measure, size: number): Promise<CaseResult> {
  const all = spawners(lib);
  for (const s of all) await sample(s, Math.max(1, size >> 4));
  // Each round measures every implementation once, so noise is spread over all of them.
  const rounds = await repeat(measure.repeats, async () => {
    const out: Sample[] = [];
    for (const s of all) out.push(await sample(s, size));
    return out;
  });
  const times = all.map((_, i) => rounds.map((r) => r[i]!.nsPerSpawn));
  const bytes = all.map((_, i) => rounds.map((r) => r[i]!.bytesPerActor));
  const t = times.map(median);
  const b = bytes.map(median);
  const rows = [
    { name: all[0]!.name, value: t[0]!, unit: 'ns/spawn' as const, samples: times[0]! },
    ...all.slice(1).map((s, i) => ({
      ...against(s.name, t[i + 1]!, 'ns/spawn', t[0]!),
      samples: times[i + 1]!,
    })),
    { name: all[0]!.name, value: b[0]!, unit: 'bytes/actor' as const, samples: bytes[0]! },
    ...all.slice(1).map((s, i) => ({
      ...against(s.name, b[i + 1]!, 'bytes/actor', b[0]!),
      samples: bytes[i + 1]!,
    })),
  ];
  return {
    id: 'spawn',
    title: `4. spawn ${size.toLocaleString('en-US')} idle actors`,
    rows,
    checks: [
      ratioAtMost('spawn time vs Subject + subscribe', t[0]! / t[1]!, 1.5),
      {
        what: 'retained heap per idle actor',
        actual: `${fmt(b[0]!, 0)} B`,
        target: '≤ 1,024 B',
        met: b[0]! <= 1024,
      },
      ...all
        .slice(2)
        .flatMap((s, i) => [
          ahead(`spawn time vs ${s.name}`, t[0]! / t[i + 2]!),
          ahead(`heap per actor vs ${s.name}`, b[0]! / b[i + 2]!),
        ]),
    ],
    counts: { actors: size, rounds: rounds.length, implementations: all.length },
  };
}

export const spawn: BenchCase = {
  id: 'spawn',
  title: '4. spawn idle actors',
  size: 100_000,
  smokeSize: 50,
  run: spawnCase,
};
