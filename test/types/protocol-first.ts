// Type tests: the protocol-first form, genServer<P>()({ ... }), checks every
// ctx (init's too), every handler's message, `from` and ctx.reply against P
// (docs/design.md, "Types").
import { expectTypeOf } from 'expect-type';
import { call, cast, genServer, send, spawn, type CallRef } from '../../src/index.js';

interface Ticker {
  readonly call: 'count';
  readonly reply: number;
  readonly cast: 'reset';
  readonly info: 'tick';
  readonly state: number;
  readonly published: number;
}

const ticker = genServer<Ticker>()({
  init: (_: void, ctx) => {
    ctx.sendAfter(1000, 'tick');
    // @ts-expect-error init's ctx is typed: 'tikc' is not one of its info messages
    ctx.sendAfter(1000, 'tikc');
    // @ts-expect-error it publishes numbers
    ctx.publish('x');
    return 0;
  },
  handleInfo: (msg, n, ctx) => {
    expectTypeOf(msg).toEqualTypeOf<'tick'>();
    expectTypeOf(n).toEqualTypeOf<number>();
    ctx.sendAfter(1000, 'tick');
    ctx.publish(n);
    return n + 1;
  },
  handleCast: (req, _n, ctx) => {
    expectTypeOf(req).toEqualTypeOf<'reset'>();
    // @ts-expect-error handleCast's ctx is typed as well
    ctx.mailbox.next('tock');
    return 0;
  },
  handleCall: (_req, from, n, ctx) => {
    expectTypeOf(from).toEqualTypeOf<CallRef<number>>();
    // @ts-expect-error the reply type is number
    ctx.reply(from, 'not a number');
    ctx.reply(from, n);
    return { noreply: true, state: n };
  },
});

const pid = spawn(ticker);
expectTypeOf(call(pid, 'count')).toEqualTypeOf<Promise<number>>();
send(pid, 'tick');
cast(pid, 'reset');
// @ts-expect-error not one of its info messages
send(pid, 'tock');

// A server that only defers gets its exact reply type from the protocol.
const deferring = genServer<{ call: 'wait'; reply: string; state: CallRef<string>[] }>()({
  init: () => [],
  handleCall: (_req, from, waiting) => ({ noreply: true, state: [...waiting, from] }),
});
expectTypeOf(call(spawn(deferring), 'wait')).toEqualTypeOf<Promise<string>>();

// A reply that is not the protocol's is refused.
genServer<{ call: 'get'; reply: number; state: number }>()({
  init: () => 0,
  // @ts-expect-error the reply type is number
  handleCall: (_req, _from, n) => ({ reply: String(n), state: n }),
});

// The handlers may come in any order; init may come last and use ctx: the
// state and the start arguments are read from the protocol.
const initLast = genServer<{ args: number; cast: 'inc'; info: 'tick'; state: number }>()({
  handleCast: (_req, n, ctx) => {
    ctx.sendAfter(10, 'tick');
    return n + 1;
  },
  handleInfo: (_msg, n) => n,
  init: (start, ctx) => {
    ctx.sendAfter(10, 'tick');
    return start;
  },
});
spawn(initLast, 1);
// @ts-expect-error the start argument is a number
spawn(initLast, 'one');
