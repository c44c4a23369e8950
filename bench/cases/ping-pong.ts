// Case 3: two actors send one message back and forth `size` times, synchronously, from one
// send. rxotp's run queue keeps the stack flat; the baseline does the same with a global trampoline.
import { TrampolinedActor } from '../bare.js';
import type { Pid, Rxotp } from '../lib.js';
import {
  against,
  collectGarbage,
  expectCount,
  median,
  now,
  ratioAtMost,
  repeat,
  type BenchCase,
  type CaseResult,
  type Measure,
} from '../measure.js';

type Player = Pid<{ call: never; reply: unknown; cast: number; info: never }>;

/** One rally of `size` messages between two genServers; returns ns per message. */
export function rxotpRally(lib: Rxotp, size: number): number {
  let handled = 0;
  // Each player casts to the other, found by index: the two pids refer to each other.
  const players: Player[] = [];
  const player = (other: number) =>
    lib.genServer({
      init: () => 0,
      handleCast: (left: number, count: number) => {
        handled++;
        if (left > 0) lib.cast(players[other]!, left - 1);
        return count + 1;
      },
    });
  const ping = lib.spawn(player(1), undefined);
  const pong = lib.spawn(player(0), undefined);
  players.push(ping, pong);
  collectGarbage();
  const t0 = now();
  lib.cast(ping, size - 1);
  const elapsed = now() - t0;
  expectCount('rxotp ping-pong messages handled', handled, size);
  lib.stop(ping);
  lib.stop(pong);
  return (elapsed * 1e6) / size;
}

function bareRally(size: number): number {
  let handled = 0;
  const players: TrampolinedActor<number, number>[] = [];
  const play = (other: number) => (count: number, left: number) => {
    handled++;
    if (left > 0) players[other]!.send(left - 1);
    return count + 1;
  };
  const ping = new TrampolinedActor(play(1), 0);
  players.push(ping, new TrampolinedActor(play(0), 0));
  collectGarbage();
  const t0 = now();
  ping.send(size - 1);
  const elapsed = now() - t0;
  expectCount('bare ping-pong messages handled', handled, size);
  return (elapsed * 1e6) / size;
}

export async function pingPongCase(
  lib: Rxotp,
  measure: Measure,
  size: number,
): Promise<CaseResult> {
  // A full rally each first, untimed, so both run optimised code when timed.
  rxotpRally(lib, size);
  bareRally(size);
  // Alternate the two, so a noisy moment on the machine hits both.
  const samples = await repeat(
    measure.repeats,
    () => [rxotpRally(lib, size), bareRally(size)] as const,
  );
  const rx = samples.map((s) => s[0]);
  const bare = samples.map((s) => s[1]);
  const rxotp = median(rx);
  const base = median(bare);
  return {
    id: 'ping-pong',
    title: `3. synchronous ping-pong, ${size.toLocaleString('en-US')} messages`,
    rows: [
      { name: 'rxotp two genServers', value: rxotp, unit: 'ns/op', samples: rx },
      { ...against('two bare trampolined queue actors', base, 'ns/op', rxotp), samples: bare },
    ],
    checks: [ratioAtMost('ping-pong vs two bare queue actors', rxotp / base, 2.0)],
    counts: { messages: size, rounds: samples.length },
  };
}

export const pingPong: BenchCase = {
  id: 'ping-pong',
  title: '3. synchronous ping-pong',
  size: 1_000_000,
  smokeSize: 1000,
  run: pingPongCase,
};
