// Type tests: `undefined` is never a state (docs/design.md, "Lifecycle"; OTP's
// bad_return_value). At run time such a result is an error exit with a
// HandlerError; here the common cases do not compile. (A Promise or Observable
// that settles on undefined is caught at run time only: rxjs's Observable and
// PromiseLike compare their values through methods, which TypeScript checks
// bivariantly.)
import { genServer, type CallRef } from '../../src/index.js';

// @ts-expect-error init may give undefined
genServer({ init: (n: number) => (n > 0 ? n : undefined) });

genServer({
  init: (n: number) => n,
  // @ts-expect-error a handleCast that forgets to return
  handleCast: (_req: 'inc', n) => {
    void (n + 1);
  },
});

genServer({
  init: (n: number) => n,
  // @ts-expect-error a handleCall whose state is undefined
  handleCall: (_req: 'get', _from: CallRef<number>, n) => ({ reply: n, state: undefined }),
});

genServer<{ call: 'get'; reply: number; state: number }>()({
  init: () => 0,
  // @ts-expect-error the protocol-first form too
  handleCall: (_req, _from, n) => ({ reply: n, state: undefined }),
});

// null is the state for "none".
genServer({ init: () => null, handleCast: (_req: 'reset', _s) => null });
