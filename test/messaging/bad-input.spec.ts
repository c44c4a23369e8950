import { EMPTY, type SchedulerLike } from 'rxjs';
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
  stop,
  via,
  type Behavior,
  type NoProtocol,
  type CallRef,
  type ExitReason,
  type Pid,
  type StartOptions,
} from '../../src/index.js';
import { liveActorCount } from '../../src/testing/index.js';
import { exitOf, useDeadLetters } from '../support.js';

const deadLetters = useDeadLetters();

/** What `fn` throws (fails the test if it returns). */
function thrown(fn: () => unknown): Error {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  // A Promise that rejects instead of a throw must not go unhandled: it would end the test run.
  if (result instanceof Promise) result.catch(() => undefined);
  throw new Error('expected a throw, but the function returned');
}

/** Counts every message it handles, by kind. */
function counting() {
  const handled: string[] = [];
  const def = genServer({
    init: () => 0,
    handleCall: (req: string, _from: CallRef<string>, n: number) => {
      handled.push(`call ${req}`);
      return { noreply: true as const, state: n };
    },
    handleCast: (req: string, n: number) => {
      handled.push(`cast ${req}`);
      return n;
    },
    handleInfo: (msg: string, n: number) => {
      handled.push(`info ${msg}`);
      return n;
    },
  });
  return { def, handled };
}

const notAddresses: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 42],
  ['a string', '<pid 1>'],
  ['a plain object', {}],
  ['an object shaped like a pid', { id: 1, name: undefined, exit$: EMPTY }],
  ['a Registry', new Registry()],
];

// Each function that takes an address, called with `target` (a bad one here).
const addressed: [string, (target: never) => unknown][] = [
  ['send', (target) => send(target, 'm')],
  ['cast', (target) => cast(target, 'm')],
  ['call', (target) => call(target, 'm')],
  ['call$', (target) => call$(target, 'm')],
  ['stop', (target) => stop(target)],
  ['state$', (target) => state$(target)],
  ['published$', (target) => published$(target)],
];

describe.each(addressed)('%s with a target that is not a Pid or via', (name, fn) => {
  test.each(notAddresses)(
    'given %s: throws a TypeError naming the function, sends nothing',
    (_label, target) => {
      const error = thrown(() => fn(target as never));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain(name);
      expect(deadLetters()).toEqual([]);
    },
  );
});

describe('names that are not strings', () => {
  const notStrings: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a number', 1],
    ['a symbol', Symbol('name')],
    ['an object', { name: 'x' }],
  ];

  test.each(notStrings)(
    'register with %s throws TypeError and registers nothing',
    (_label, name) => {
      const registry = new Registry();
      const pid = spawn(genServer({ init: () => 0 }), undefined);
      expect(thrown(() => registry.register(name as string, pid))).toBeInstanceOf(TypeError);
      expect([...latest(registry)]).toEqual([]);
      stop(pid);
    },
  );

  test.each(notStrings)('unregister with %s throws TypeError', (_label, name) => {
    expect(thrown(() => new Registry().unregister(name as string))).toBeInstanceOf(TypeError);
  });

  test.each(notStrings)('whereis with %s throws TypeError', (_label, name) => {
    expect(thrown(() => new Registry().whereis(name as string))).toBeInstanceOf(TypeError);
  });

  test.each(notStrings)('whereis$ with %s throws TypeError', (_label, name) => {
    expect(thrown(() => new Registry().whereis$(name as string))).toBeInstanceOf(TypeError);
  });

  test.each(notStrings)('via with %s throws TypeError', (_label, name) => {
    expect(thrown(() => via(new Registry(), name as string))).toBeInstanceOf(TypeError);
  });

  test.each(notStrings.filter(([, n]) => n !== undefined))(
    'spawn with %s as options.name throws TypeError before init runs',
    (_label, name) => {
      const init = jest.fn(() => 0);
      const options = { name, registry: new Registry() } as unknown as StartOptions;
      const before = liveActorCount();
      expect(thrown(() => spawn(genServer({ init }), undefined, options))).toBeInstanceOf(
        TypeError,
      );
      expect(init).not.toHaveBeenCalled();
      expect(liveActorCount()).toBe(before);
    },
  );

  test.each(notStrings.filter(([, n]) => n !== undefined))(
    'start with %s as options.name throws TypeError at once',
    (_label, name) => {
      const init = jest.fn(() => 0);
      const options = { name, registry: new Registry() } as unknown as StartOptions;
      expect(thrown(() => genServer({ init }).start(undefined, options))).toBeInstanceOf(TypeError);
      expect(init).not.toHaveBeenCalled();
    },
  );
});

/** The entries the registry shows now. */
function latest(registry: Registry): ReadonlyMap<string, Pid> {
  let entries: ReadonlyMap<string, Pid> = new Map();
  registry.entries$.subscribe((e) => (entries = e)).unsubscribe();
  return entries;
}

describe('genServer definitions', () => {
  const init = () => 0;
  const badBehaviors: [string, unknown][] = [
    ['no behavior', undefined],
    ['null', null],
    ['a function instead of an object', init],
    ['no init', {}],
    ['an init that is not a function', { init: 0 }],
    ['a handleCall that is not a function', { init, handleCall: 'yes' }],
    ['a handleCast that is not a function', { init, handleCast: {} }],
    ['a handleInfo that is not a function', { init, handleInfo: 1 }],
    ['a terminate that is not a function', { init, terminate: true }],
  ];

  test.each(badBehaviors)('%s throws a TypeError', (_label, behavior) => {
    const error = thrown(() => genServer(behavior as Behavior<NoProtocol, number>));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('genServer');
  });

  test('the TypeError names the field at fault', () => {
    expect(thrown(() => genServer({ init, handleCast: 'nope' } as never)).message).toContain(
      'handleCast',
    );
    expect(thrown(() => genServer({} as never)).message).toContain('init');
  });

  test('spawn of something that is not a genServer definition throws a TypeError', () => {
    expect(thrown(() => spawn({} as never, undefined))).toBeInstanceOf(TypeError);
    expect(thrown(() => spawn({ init } as never, undefined))).toBeInstanceOf(TypeError);
  });
});

describe('start options', () => {
  const badOptions: [string, unknown][] = [
    ['options that are not an object', 'fast'],
    ['a registry that is not a Registry', { name: 'a', registry: new Map() }],
    ['a registry without a name', { registry: new Registry() }],
    ['a scheduler that is not a SchedulerLike', { scheduler: { now: () => 0 } }],
  ];

  test.each(badOptions)('spawn with %s throws a TypeError before init runs', (_label, options) => {
    const init = jest.fn(() => 0);
    expect(
      thrown(() => spawn(genServer({ init }), undefined, options as StartOptions)),
    ).toBeInstanceOf(TypeError);
    expect(init).not.toHaveBeenCalled();
  });

  test.each(badOptions)('start with %s throws a TypeError at once', (_label, options) => {
    const init = jest.fn(() => 0);
    expect(
      thrown(() => genServer({ init }).start(undefined, options as StartOptions)),
    ).toBeInstanceOf(TypeError);
    expect(init).not.toHaveBeenCalled();
  });
});

describe('call timeouts', () => {
  // A number out of range is a RangeError; anything else a TypeError.
  const badTimeouts: [string, unknown, typeof RangeError][] = [
    ['negative', -1, RangeError],
    ['-Infinity', -Infinity, RangeError],
    ['NaN', NaN, RangeError],
    ['string', '100', TypeError],
    ['null', null, TypeError],
  ];

  test.each(badTimeouts)(
    'call with a %s timeout throws and sends nothing',
    (_label, timeout, kind) => {
      const { def, handled } = counting();
      const pid = spawn(def, undefined);
      const error = thrown(() => call(pid, 'q', { timeout: timeout as number }));
      expect(error).toBeInstanceOf(kind);
      expect(error.message).toMatch(/^call: options\.timeout must be/);
      expect(handled).toEqual([]);
    },
  );

  test.each(badTimeouts)(
    'call$ with a %s timeout throws and sends nothing',
    (_label, timeout, kind) => {
      const { def, handled } = counting();
      const pid = spawn(def, undefined);
      const error = thrown(() => call$(pid, 'q', { timeout: timeout as number }).subscribe());
      expect(error).toBeInstanceOf(kind);
      expect(error.message).toMatch(/^call\$: options\.timeout must be/);
      expect(handled).toEqual([]);
    },
  );

  test('a bad timeout to a dead pid throws instead of publishing a dead letter', () => {
    const pid = spawn(counting().def, undefined);
    stop(pid);
    expect(thrown(() => call(pid, 'q', { timeout: -5 }))).toBeInstanceOf(RangeError);
    expect(deadLetters()).toEqual([]);
  });

  test('call with options that are not an object throws a TypeError and sends nothing', () => {
    const { def, handled } = counting();
    const pid = spawn(def, undefined);
    expect(thrown(() => call(pid, 'q', 'soon' as never))).toBeInstanceOf(TypeError);
    expect(handled).toEqual([]);
  });

  test('call with a scheduler that is not a SchedulerLike throws a TypeError and sends nothing', () => {
    const { def, handled } = counting();
    const pid = spawn(def, undefined);
    const scheduler = { now: () => 0 } as unknown as SchedulerLike;
    expect(thrown(() => call(pid, 'q', { scheduler }))).toBeInstanceOf(TypeError);
    expect(handled).toEqual([]);
  });
});

describe('registry arguments', () => {
  test('register with something that is not a Pid throws a TypeError and registers nothing', () => {
    const registry = new Registry();
    expect(thrown(() => registry.register('a', { id: 1 } as never))).toBeInstanceOf(TypeError);
    expect(registry.whereis('a')).toBeUndefined();
  });

  test('unregister with something that is not a Pid throws a TypeError and keeps the name', () => {
    const registry = new Registry();
    const pid = spawn(genServer({ init: () => 0 }), undefined);
    registry.register('a', pid);
    expect(thrown(() => registry.unregister('a', 'a pid' as never))).toBeInstanceOf(TypeError);
    expect(registry.whereis('a')).toBe(pid);
    stop(pid);
  });

  test('via with something that is not a Registry throws a TypeError', () => {
    expect(thrown(() => via(new Map() as never, 'a'))).toBeInstanceOf(TypeError);
  });
});

describe('stop reasons', () => {
  const badReasons: [string, unknown][] = [
    ['null', null],
    ['a string', 'normal'],
    ['an unknown kind', { kind: 'shutdown' }],
    ['an Error', new Error('boom')],
  ];

  test.each(badReasons)(
    'stop with %s as reason throws a TypeError and the actor keeps running',
    (_label, reason) => {
      const { def, handled } = counting();
      const pid = spawn(def, undefined);
      const error = thrown(() => stop(pid, reason as ExitReason));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain('stop');
      expect(exitOf(pid)).toBeUndefined();
      expect(send(pid, 'still alive')).toBe(true);
      expect(handled).toEqual(['info still alive']);
    },
  );
});
