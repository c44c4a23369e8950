// One definition written three ways: the plain literal, the literal with its
// handlers in another order and using ctx, and the protocol-first form. All
// three give the same protocol (docs/design.md, "Types"; README, "Types").
import { expectTypeOf } from 'expect-type';
import { genServer, type ProtocolOf } from '../../src/index.js';

type Request = 'get' | 'flush';

// 1. The plain object literal, init first.
const literal = genServer({
  init: (start: number) => start,
  handleCall: (req: Request, _from, n) =>
    req === 'get' ? { reply: n, state: n } : { noreply: true, state: n },
  handleCast: (_req: 'inc', n) => n + 1,
  handleInfo: (_msg: 'tick', n) => n,
});

// 2. The same literal, handlers reversed, every one using ctx.
const reordered = genServer({
  init: (start: number) => start,
  handleInfo: (_msg: 'tick', n, ctx) => {
    ctx.sendAfter(1000, 'tick');
    return n;
  },
  handleCast: (_req: 'inc', n, ctx) => {
    if (n > 100) ctx.stop();
    return n + 1;
  },
  handleCall: (req: Request, _from, n, ctx) => {
    ctx.publish(n);
    return req === 'get' ? { reply: n, state: n } : { noreply: true, state: n };
  },
});

// 3. Protocol first: every ctx and reply checked.
interface Counter {
  readonly call: Request;
  readonly reply: number;
  readonly cast: 'inc';
  readonly info: 'tick';
  readonly state: number;
}
const protocolFirst = genServer<Counter>()({
  init: (start: number) => start,
  handleCall: (req, _from, n) =>
    req === 'get' ? { reply: n, state: n } : { noreply: true, state: n },
  handleCast: (_req, n) => n + 1,
  handleInfo: (_msg, n, ctx) => {
    ctx.sendAfter(1000, 'tick');
    return n;
  },
});

type Expected = {
  readonly call: Request;
  readonly reply: number;
  readonly cast: 'inc';
  readonly info: 'tick';
  readonly state: number;
  readonly published: unknown;
};
expectTypeOf<ProtocolOf<typeof literal>>().toEqualTypeOf<Expected>();
expectTypeOf<ProtocolOf<typeof reordered>>().toEqualTypeOf<Expected>();
expectTypeOf<ProtocolOf<typeof protocolFirst>>().toEqualTypeOf<Expected>();
expectTypeOf(literal.start).parameter(0).toEqualTypeOf<number>();
expectTypeOf(reordered.start).parameter(0).toEqualTypeOf<number>();
expectTypeOf(protocolFirst.start).parameter(0).toEqualTypeOf<number>();
