// Type tests: the object-literal form infers the same protocol whatever the
// handlers' order and whether they use ctx (docs/design.md, "Types"). Checked by
// `npm run typecheck` under TypeScript 5.9 and the native 7.x compiler.
import { expectTypeOf } from 'expect-type';
import {
  call,
  cast,
  genServer,
  spawn,
  type CallRef,
  type Ctx,
  type ProtocolOf,
} from '../../src/index.js';

// The known trap: handleCast uses ctx and comes before handleCall. The call
// type used to be fixed to `never` there.
const castFirst = genServer({
  init: (start: number) => start,
  handleCast: (_req: 'inc', n, ctx) => {
    ctx.sendAfter(10, 'tick');
    return n + 1;
  },
  handleCall: (_req: 'pull', _from, n) => ({ reply: n, state: n }),
});
expectTypeOf<ProtocolOf<typeof castFirst>['call']>().toEqualTypeOf<'pull'>();
expectTypeOf<ProtocolOf<typeof castFirst>['cast']>().toEqualTypeOf<'inc'>();
const castFirstPid = spawn(castFirst, 0);
expectTypeOf(call(castFirstPid, 'pull')).toEqualTypeOf<Promise<number>>();

// Every handler uses ctx, and they come in reverse order.
const reversed = genServer({
  init: (start: number, ctx) => {
    ctx.sendAfter(10, 'tick');
    return start;
  },
  handleInfo: (_msg: 'tick', n, ctx) => {
    ctx.publish(n);
    return n;
  },
  handleCast: (_req: 'inc', n, ctx) => {
    ctx.sendAfter(10, 'tick');
    return n + 1;
  },
  handleCall: (_req: 'get', _from, n, ctx) => {
    ctx.publish(n);
    return { reply: n, state: n };
  },
});
expectTypeOf<ProtocolOf<typeof reversed>>().toEqualTypeOf<{
  readonly call: 'get';
  readonly reply: number;
  readonly cast: 'inc';
  readonly info: 'tick';
  readonly state: number;
  readonly published: unknown;
}>();

// A reply/noreply mix: the reply type is the reply branches' type, not `T | undefined`.
const mixed = genServer({
  init: (start: number) => start,
  handleCall: (req: 'now' | 'later', _from, n) =>
    req === 'now' ? { reply: n, state: n } : { noreply: true, state: n },
});
expectTypeOf(call(spawn(mixed, 0), 'now')).toEqualTypeOf<Promise<number>>();

// An async reply/noreply mix, from a Promise.
const asyncMixed = genServer({
  init: (start: number) => start,
  handleCall: async (req: 'now' | 'later', _from, n) => {
    await Promise.resolve();
    return req === 'now' ? { reply: String(n), state: n } : { noreply: true, state: n };
  },
});
expectTypeOf(call(spawn(asyncMixed, 0), 'now')).toEqualTypeOf<Promise<string>>();

// A server that only defers: the literal form reads the reply type from an
// annotated `from`; with `from` not annotated nothing states it, so `unknown`.
const deferredAnnotated = genServer({
  init: () => [] as CallRef<number>[],
  handleCall: (_req: 'wait', from: CallRef<number>, waiting) => ({
    noreply: true,
    state: [...waiting, from],
  }),
});
expectTypeOf(call(spawn(deferredAnnotated), 'wait')).toEqualTypeOf<Promise<number>>();
const deferredBare = genServer({
  init: () => 0,
  handleCall: (_req: 'wait', _from, n) => ({ noreply: true, state: n }),
});
expectTypeOf(call(spawn(deferredBare), 'wait')).toEqualTypeOf<Promise<unknown>>();

// An annotated `from` checks ctx.reply in the literal form too.
genServer({
  init: () => 0,
  handleCall: (_req: 'wait', from: CallRef<number>, n, ctx) => {
    ctx.reply(from, n);
    // @ts-expect-error the reply type stated by `from` is number
    ctx.reply(from, 'not a number');
    return { noreply: true, state: n };
  },
});

// Messages the definition does not take are refused at the call site.
const pid = spawn(reversed, 0);
// @ts-expect-error not one of its calls
void call(pid, 'pull');
// @ts-expect-error not one of its casts
cast(pid, 'dec');

// init written last: with every parameter annotated it is read first anyway.
const initLast = genServer({
  handleCast: (_req: 'inc', n, ctx) => {
    ctx.sendAfter(10, 'tick');
    return n + 1;
  },
  init: (start: number, ctx: Ctx) => {
    ctx.sendAfter(10, 'tick');
    return start;
  },
});
expectTypeOf<ProtocolOf<typeof initLast>['state']>().toEqualTypeOf<number>();
expectTypeOf(initLast.start).parameter(0).toEqualTypeOf<number>();
