import { call$, genServer, send, spawn, type ExitReason, type Pid } from '../../src/index.js';

type Ball = { readonly seq: number; readonly from: Pid<PlayerProtocol> };
type PlayerProtocol = { call: 'tally'; reply: Tally; cast: never; info: Ball };

/** What one player saw: how many balls, the first and last number, and any gap in between. */
type Tally = { received: number; first: number; last: number; gaps: number };

/**
 * A player returns every ball with the next sequence number until `total` balls
 * have been played. Each player sees every other number, so a ball that is
 * lost, repeated or reordered shows up as a gap.
 */
function player(total: number) {
  return genServer<{
    state: Tally;
    args: void;
    call: 'tally';
    reply: Tally;
    cast: never;
    info: Ball;
  }>()({
    init: () => ({ received: 0, first: -1, last: -1, gaps: 0 }),
    handleInfo: ({ seq, from }, tally, ctx) => {
      const gap = tally.last >= 0 && seq !== tally.last + 2 ? 1 : 0;
      if (seq < total) send(from, { seq: seq + 1, from: ctx.self });
      return {
        received: tally.received + 1,
        first: tally.first < 0 ? seq : tally.first,
        last: seq,
        gaps: tally.gaps + gap,
      };
    },
    handleCall: (_req, _from, tally) => ({ reply: tally, state: tally }),
  });
}

/** A player's tally, read synchronously (the player is idle, so the call is answered at once). */
function tallyOf(pid: Pid<PlayerProtocol>): Tally | undefined {
  let tally: Tally | undefined;
  call$(pid, 'tally').subscribe((t) => (tally = t));
  return tally;
}

test('two actors ping-pong 1,000,000 messages synchronously: no overflow, nothing lost, order kept', () => {
  const total = 1_000_000;
  const def = player(total);
  const ping = spawn(def, undefined);
  const pong = spawn(def, undefined);

  // Served from outside any handler: the whole rally is played before send returns,
  // one handler at a time on rxotp's run queue, not on the call stack.
  expect(send(ping, { seq: 1, from: pong })).toBe(true);

  expect(tallyOf(ping)).toEqual({ received: total / 2, first: 1, last: total - 1, gaps: 0 });
  expect(tallyOf(pong)).toEqual({ received: total / 2, first: 2, last: total, gaps: 0 });

  const exits: ExitReason[] = [];
  ping.exit$.subscribe((r) => exits.push(r));
  pong.exit$.subscribe((r) => exits.push(r));
  expect(exits).toEqual([]);
});
