import { Subject, type Observable } from 'rxjs';
import {
  Registry,
  cast,
  genServer,
  published$,
  spawn,
  state$,
  stop,
  via,
  type Pid,
} from '../../src/index.js';

type Seen<T> = (T | 'complete')[];

/** Subscribes and records values and completion. */
function watch<T>(source: Observable<T>): Seen<T> {
  const seen: Seen<T> = [];
  source.subscribe({ next: (v) => seen.push(v), complete: () => seen.push('complete') });
  return seen;
}

/** 'set' replaces the state; 'say' publishes a value without changing it. */
type Req = { set: number } | { say: string };

const cell = genServer({
  init: (start: number) => start,
  handleCast: (req: Req, n: number, ctx) => {
    if ('say' in req) {
      ctx.publish(req.say);
      return n;
    }
    return req.set;
  },
});

describe('state$ of a pid', () => {
  test('emits the current state at once', () => {
    const pid = spawn(cell, 5);
    expect(watch(state$(pid))).toEqual([5]);
  });

  test('then each committed state that differs from the last', () => {
    const pid = spawn(cell, 1);
    const seen = watch(state$(pid));
    cast(pid, { set: 2 });
    cast(pid, { set: 2 });
    cast(pid, { say: 'no change' });
    cast(pid, { set: 3 });
    cast(pid, { set: 1 });
    expect(seen).toEqual([1, 2, 3, 1]);
  });

  test('completes when the incarnation exits', () => {
    const pid = spawn(cell, 1);
    const seen = watch(state$(pid));
    stop(pid);
    expect(seen).toEqual([1, 'complete']);
  });

  test('completes at once, with no value, for a pid that has exited', () => {
    const pid = spawn(cell, 1);
    stop(pid);
    expect(watch(state$(pid))).toEqual(['complete']);
  });

  test('waits for an async init, then emits its state', () => {
    const gate = new Subject<string>();
    let self: Pid | undefined;
    spawn(
      genServer({
        init: (_: void, ctx) => {
          self = ctx.self;
          return gate;
        },
      }),
      undefined,
    );
    const seen = watch(state$(self!));
    expect(seen).toEqual([]);
    gate.next('ready');
    gate.complete();
    expect(seen).toEqual(['ready']);
  });

  test('emits the state an async handler settles to, when it settles', () => {
    const gate = new Subject<number>();
    const pid = spawn(
      genServer({ init: () => 0, handleCast: (_: 'slow', _n: number) => gate }),
      undefined,
    );
    const seen = watch(state$(pid));
    cast(pid, 'slow');
    gate.next(1);
    expect(seen).toEqual([0]);
    gate.next(2);
    gate.complete();
    expect(seen).toEqual([0, 2]);
  });

  test('each subscriber gets the current state first', () => {
    const pid = spawn(cell, 0);
    const first = watch(state$(pid));
    cast(pid, { set: 9 });
    const second = watch(state$(pid));
    cast(pid, { set: 10 });
    expect(first).toEqual([0, 9, 10]);
    expect(second).toEqual([9, 10]);
  });
});

describe('state$ through via', () => {
  test('follows the name across re-registration and does not complete when a pid exits', () => {
    const registry = new Registry();
    const first = spawn(cell, 1, { name: 'cell', registry });
    const seen = watch(state$(via<{ state: number }>(registry, 'cell')));
    cast(first, { set: 2 });
    stop(first);
    expect(seen).toEqual([1, 2]);
    const second = spawn(cell, 100);
    registry.register('cell', second);
    cast(second, { set: 101 });
    expect(seen).toEqual([1, 2, 100, 101]);
  });

  test('emits nothing while the name is unregistered', () => {
    const registry = new Registry();
    const seen = watch(state$(via(registry, 'nobody')));
    expect(seen).toEqual([]);
    const pid = spawn(cell, 7);
    registry.register('nobody', pid);
    expect(seen).toEqual([7]);
  });

  test('moves to the new holder when the name is re-registered while the old pid lives', () => {
    const registry = new Registry();
    const a = spawn(cell, 1);
    const b = spawn(cell, 2);
    registry.register('x', a);
    const seen = watch(state$(via(registry, 'x')));
    registry.unregister('x', a);
    registry.register('x', b);
    cast(a, { set: 50 });
    cast(b, { set: 3 });
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('published$', () => {
  test('emits what ctx.publish publishes, in order, and completes at exit', () => {
    const pid = spawn(cell, 0);
    const seen = watch(published$(pid));
    cast(pid, { say: 'a' });
    cast(pid, { set: 4 });
    cast(pid, { say: 'b' });
    cast(pid, { say: 'b' });
    stop(pid);
    expect(seen).toEqual(['a', 'b', 'b', 'complete']);
  });

  test('does not replay what was published before the subscription', () => {
    const pid = spawn(cell, 0);
    cast(pid, { say: 'early' });
    const seen = watch(published$(pid));
    cast(pid, { say: 'late' });
    expect(seen).toEqual(['late']);
  });

  test('completes at once for a pid that has exited', () => {
    const pid = spawn(cell, 0);
    stop(pid);
    expect(watch(published$(pid))).toEqual(['complete']);
  });

  test('through via, follows the name to the next pid', () => {
    const registry = new Registry();
    const first = spawn(cell, 0, { name: 'news', registry });
    const seen = watch(published$(via<{ published: string }>(registry, 'news')));
    cast(first, { say: 'one' });
    stop(first);
    const second = spawn(cell, 0, { name: 'news', registry });
    cast(second, { say: 'two' });
    expect(seen).toEqual(['one', 'two']);
  });
});
