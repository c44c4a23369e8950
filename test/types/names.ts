// Type tests: a name declared once with its protocol types every address and
// pid reached through it; an untyped via accepts no message (docs/design.md,
// "Types").
import { expectTypeOf } from 'expect-type';
import type { Observable } from 'rxjs';
import {
  Registry,
  call,
  call$,
  cast,
  genServer,
  published$,
  send,
  spawn,
  state$,
  typedName,
  via,
  type Pid,
  type ProtocolOf,
} from '../../src/index.js';

const counter = genServer({
  init: (start: number) => start,
  handleCast: (_req: 'inc', n) => n + 1,
  handleCall: (_req: 'get', _from, n) => ({ reply: n, state: n }),
  handleInfo: (_msg: 'tick', n) => n,
});
const counterName = typedName<ProtocolOf<typeof counter>>('counter');
const registry = new Registry();
spawn(counter, 0, { name: counterName, registry });

const address = via(registry, counterName);
cast(address, 'inc');
send(address, 'tick');
expectTypeOf(call(address, 'get')).toEqualTypeOf<Promise<number>>();
expectTypeOf(call$(address, 'get')).toEqualTypeOf<Observable<number>>();
expectTypeOf(state$(address)).toEqualTypeOf<Observable<number>>();
// @ts-expect-error not one of its casts
cast(address, 'dec');
// @ts-expect-error not one of its info messages
send(address, 42);

const found = registry.whereis(counterName);
expectTypeOf(found).toEqualTypeOf<Pid<ProtocolOf<typeof counter>> | undefined>();
if (found !== undefined) {
  cast(found, 'inc');
  // @ts-expect-error not one of its calls
  void call(found, 'put');
}
expectTypeOf(registry.whereis$(counterName)).toEqualTypeOf<
  Observable<Pid<ProtocolOf<typeof counter>> | undefined>
>();

// A pid from spawn carries the state type too.
expectTypeOf(state$(spawn(counter, 0))).toEqualTypeOf<Observable<number>>();

// An untyped via accepts no message until it is given a protocol.
const untyped = via(registry, 'x');
// @ts-expect-error an untyped via takes no cast
cast(untyped, 42);
// @ts-expect-error nor an info message
send(untyped, 'hello');
// @ts-expect-error nor a call
void call(untyped, 'get');
expectTypeOf(state$(untyped)).toEqualTypeOf<Observable<unknown>>();

// A plain Observable child publishes values: a name can say what they are.
const feedName = typedName<{ published: number }>('feed');
expectTypeOf(published$(via(registry, feedName))).toEqualTypeOf<Observable<number>>();
// @ts-expect-error it takes no message
cast(via(registry, feedName), 1);
