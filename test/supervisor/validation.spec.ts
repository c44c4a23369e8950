import { EMPTY, NEVER, Observable, Subject, of, type Subscription } from 'rxjs';
import {
  ChildSpecError,
  Registry,
  child,
  oneForAll,
  oneForOne,
  restForOne,
  supervise,
  type BackoffOptions,
  type ChildSpec,
  type RestartType,
  type Shutdown,
  type SuperviseOptions,
  type SupervisorNotification,
  type SupervisorOptions,
} from '../../src/index.js';
import { liveActorCount } from '../../src/testing/index.js';

/** A start function that counts its calls and never ends. */
const idle = (): jest.Mock<Observable<never>, []> => jest.fn(() => NEVER);

/** The names a registry holds now. */
const names = (registry: Registry): string[] => {
  let keys: string[] = [];
  registry.entries$.subscribe((view) => (keys = [...view.keys()])).unsubscribe();
  return keys;
};

/** Asserts `fn` throws a `ChildSpecError` about `field` of child `id`, with both in its message. */
const expectSpecError = (fn: () => unknown, id: unknown, field: string): void => {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ChildSpecError);
  const error = thrown as ChildSpecError;
  expect(error.field).toBe(field);
  expect(error.childId).toBe(id);
  expect(error.message).toContain(field);
  if (typeof id === 'string') expect(error.message).toContain(`'${id}'`);
};

/** Runs `tree$` and collects what it emits; leaves the subscription to the caller. */
const collect = (
  tree$: Observable<SupervisorNotification>,
): { log: SupervisorNotification[]; sub: Subscription } => {
  const log: SupervisorNotification[] = [];
  const sub = tree$.subscribe((n) => log.push(n));
  return { log, sub };
};

const asSpec = (raw: object): ChildSpec => raw as unknown as ChildSpec;

describe('child()', () => {
  test('an empty id is refused', () => {
    expectSpecError(() => child('', () => EMPTY), '', 'id');
  });

  test('an id that is not a string is refused', () => {
    expectSpecError(() => child(7 as unknown as string, () => EMPTY), 7, 'id');
  });

  test('a start that is not a function is refused', () => {
    expectSpecError(
      () => child('db', 'db.start' as unknown as () => Observable<unknown>),
      'db',
      'start',
    );
  });

  test('an unknown restart type is refused', () => {
    expectSpecError(
      () => child('db', () => EMPTY, { restart: 'forever' as RestartType }),
      'db',
      'restart',
    );
  });

  test('a negative shutdown is refused', () => {
    expectSpecError(() => child('db', () => EMPTY, { shutdown: -1 }), 'db', 'shutdown');
  });

  test('an unknown shutdown word is refused', () => {
    expectSpecError(
      () => child('db', () => EMPTY, { shutdown: 'soon' as Shutdown }),
      'db',
      'shutdown',
    );
  });

  test('an unknown type is refused', () => {
    expectSpecError(() => child('db', () => EMPTY, { type: 'daemon' as 'worker' }), 'db', 'type');
  });

  test('a name that is not a string is refused', () => {
    expectSpecError(() => child('db', () => EMPTY, { name: 5 as unknown as string }), 'db', 'name');
  });

  test('a significant permanent child is refused', () => {
    expectSpecError(
      () => child('db', () => EMPTY, { significant: true, restart: 'permanent' }),
      'db',
      'significant',
    );
  });

  test('a significant child under the default restart type is accepted', () => {
    expect(child('db', () => EMPTY, { significant: true })).toMatchObject({
      id: 'db',
      significant: true,
    });
  });

  test('the start function is not called by child()', () => {
    const start = idle();
    child('db', start);
    expect(start).not.toHaveBeenCalled();
  });
});

describe('supervise()', () => {
  test('duplicate ids throw before anything starts or registers', () => {
    const before = liveActorCount();
    const registry = new Registry();
    const first = idle();
    const second = idle();
    expectSpecError(
      () => supervise([child('a', first), child('b', idle()), child('a', second)], { registry }),
      'a',
      'id',
    );
    expect(first).not.toHaveBeenCalled();
    expect(second).not.toHaveBeenCalled();
    expect(liveActorCount()).toBe(before);
    expect(names(registry)).toEqual([]);
  });

  test('an empty id in a raw spec throws', () => {
    const start = idle();
    expectSpecError(() => supervise([asSpec({ id: '', start })]), '', 'id');
    expect(start).not.toHaveBeenCalled();
  });

  test('a raw spec whose start is not a function throws, naming the child', () => {
    const start = idle();
    expectSpecError(
      () => supervise([child('ok', start), asSpec({ id: 'bad', start: 'nope' })]),
      'bad',
      'start',
    );
    expect(start).not.toHaveBeenCalled();
  });

  test('a raw spec with an unknown restart type throws, naming the child', () => {
    expectSpecError(
      () => supervise([asSpec({ id: 'w', start: idle(), restart: 'sometimes' })]),
      'w',
      'restart',
    );
  });

  test('a raw spec with a bad shutdown throws, naming the child', () => {
    expectSpecError(
      () => supervise([asSpec({ id: 'w', start: idle(), shutdown: Number.NaN })]),
      'w',
      'shutdown',
    );
  });

  test('a raw spec that is significant and permanent throws, naming the child', () => {
    expectSpecError(
      () =>
        supervise([asSpec({ id: 'w', start: idle(), significant: true, restart: 'permanent' })]),
      'w',
      'significant',
    );
  });

  test('a spec that is not an object throws', () => {
    expectSpecError(() => supervise([null as unknown as ChildSpec]), undefined, 'spec');
  });

  test('specs that are not an array throw a TypeError', () => {
    expect(() => supervise('a, b' as unknown as ChildSpec[])).toThrow(TypeError);
  });

  test('an unknown strategy throws a TypeError naming the field', () => {
    const start = idle();
    const before = liveActorCount();
    const attempt = (): unknown =>
      supervise([child('a', start)], {
        strategy: 'one_for_some' as SuperviseOptions['strategy'],
      });
    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(/strategy/);
    expect(start).not.toHaveBeenCalled();
    expect(liveActorCount()).toBe(before);
  });

  test('a bad option throws even with valid specs, and nothing starts', () => {
    const start = idle();
    const registry = new Registry();
    expect(() => supervise([child('a', start)], { registry, intensity: -1 })).toThrow(RangeError);
    expect(start).not.toHaveBeenCalled();
    expect(names(registry)).toEqual([]);
  });
});

describe('operator factories', () => {
  const factories = [
    ['oneForOne', oneForOne],
    ['oneForAll', oneForAll],
    ['restForOne', restForOne],
  ] as const;

  /** Asserts each factory throws `type` for `options`, naming the function and `field`. */
  const expectOptionError = (
    options: SupervisorOptions,
    type: typeof TypeError | typeof RangeError,
    field: string,
  ): void => {
    for (const [name, factory] of factories) {
      let thrown: unknown;
      try {
        factory(options);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(type);
      expect((thrown as Error).message).toContain(name);
      expect((thrown as Error).message).toContain(field);
    }
  };

  test('intensity < 0 is a RangeError', () => {
    expectOptionError({ intensity: -1 }, RangeError, 'intensity');
  });

  test('an intensity that is not a number is a TypeError', () => {
    expectOptionError({ intensity: '3' as unknown as number }, TypeError, 'intensity');
  });

  test('intensity 0 and Infinity are accepted', () => {
    expect(() => oneForOne({ intensity: 0 })).not.toThrow();
    expect(() => oneForOne({ intensity: Infinity })).not.toThrow();
  });

  test('period 0 is a RangeError', () => {
    expectOptionError({ period: 0 }, RangeError, 'period');
  });

  test('a negative period is a RangeError', () => {
    expectOptionError({ period: -5000 }, RangeError, 'period');
  });

  test('backoff.min < 0 is a RangeError', () => {
    expectOptionError({ backoff: { min: -1, max: 10 } }, RangeError, 'backoff.min');
  });

  test('backoff.max below backoff.min is a RangeError', () => {
    expectOptionError({ backoff: { min: 100, max: 10 } }, RangeError, 'backoff.max');
  });

  test('backoff.factor < 1 is a RangeError', () => {
    expectOptionError({ backoff: { min: 1, max: 10, factor: 0.5 } }, RangeError, 'backoff.factor');
  });

  test('backoff.jitter outside [0, 1] is a RangeError', () => {
    expectOptionError({ backoff: { min: 1, max: 10, jitter: 1.5 } }, RangeError, 'backoff.jitter');
  });

  test('a negative backoff.resetAfter is a RangeError', () => {
    expectOptionError(
      { backoff: { min: 1, max: 10, resetAfter: -1 } },
      RangeError,
      'backoff.resetAfter',
    );
  });

  test('a backoff.random that is not a function is a TypeError', () => {
    expectOptionError(
      { backoff: { min: 1, max: 10, random: 0.5 } as unknown as BackoffOptions },
      TypeError,
      'backoff.random',
    );
  });

  test('a backoff that is neither options nor a function is a TypeError', () => {
    expectOptionError({ backoff: 100 as unknown as BackoffOptions }, TypeError, 'backoff');
  });

  test('an unknown autoShutdown is a TypeError', () => {
    expectOptionError(
      { autoShutdown: 'sometimes' as SupervisorOptions['autoShutdown'] },
      TypeError,
      'autoShutdown',
    );
  });

  test('a negative maxChildren is a RangeError', () => {
    expectOptionError({ maxChildren: -1 }, RangeError, 'maxChildren');
  });

  test('a negative holdBound is a RangeError', () => {
    expectOptionError({ holdBound: -1 }, RangeError, 'holdBound');
  });

  test('a registry that is not a Registry is a TypeError', () => {
    expectOptionError({ registry: new Map() as unknown as Registry }, TypeError, 'registry');
  });

  test('a scheduler without schedule() is a TypeError', () => {
    expectOptionError(
      { scheduler: { now: () => 0 } as unknown as SupervisorOptions['scheduler'] },
      TypeError,
      'scheduler',
    );
  });

  test('a name that is not a string is a TypeError', () => {
    expectOptionError({ name: 1 as unknown as string }, TypeError, 'name');
  });

  test('options that are not an object are a TypeError', () => {
    expectOptionError(null as unknown as SupervisorOptions, TypeError, 'options');
  });

  test('a bad option throws at the factory, before any source is subscribed', () => {
    const source = new Observable<ChildSpec>(() => {
      throw new Error('subscribed');
    });
    expect(() => source.pipe(oneForOne({ period: 0 }))).toThrow(RangeError);
  });
});

describe('specs from the source', () => {
  test('a bad spec in the initial set: only exit(error) naming the child and field, nothing started', () => {
    const before = liveActorCount();
    const registry = new Registry();
    const good = idle();
    const { log } = collect(
      of(child('good', good), asSpec({ id: 'bad', start: 42 })).pipe(oneForOne({ registry })),
    );
    expect(log).toHaveLength(1);
    const [exit] = log;
    expect(exit).toMatchObject({ kind: 'exit', reason: { kind: 'error' } });
    const error = (exit as { reason: { error: unknown } }).reason.error;
    expect(error).toBeInstanceOf(ChildSpecError);
    expect(error).toMatchObject({ childId: 'bad', field: 'start' });
    expect((error as Error).message).toContain("'bad'");
    expect(good).not.toHaveBeenCalled();
    expect(names(registry)).toEqual([]);
    expect(liveActorCount()).toBe(before);
  });

  test('a duplicate id in the initial set: only exit(error) naming the child and id, nothing started', () => {
    const before = liveActorCount();
    const registry = new Registry();
    const starts = [idle(), idle(), idle()] as const;
    const { log } = collect(
      of(child('a', starts[0]), child('b', starts[1]), child('a', starts[2])).pipe(
        oneForAll({ registry }),
      ),
    );
    expect(log).toEqual([
      {
        kind: 'exit',
        pid: expect.anything() as unknown,
        reason: { kind: 'error', error: expect.any(ChildSpecError) as unknown },
      },
    ]);
    const error = (log[0] as { reason: { error: ChildSpecError } }).reason.error;
    expect(error).toMatchObject({ childId: 'a', field: 'id' });
    for (const start of starts) expect(start).not.toHaveBeenCalled();
    expect(names(registry)).toEqual([]);
    expect(liveActorCount()).toBe(before);
  });

  test('the exit pid of a refused initial set is dead', () => {
    const { log } = collect(of(asSpec({ id: '' })).pipe(restForOne()));
    const exit = log[0];
    expect(exit?.kind).toBe('exit');
    const reasons: unknown[] = [];
    if (exit?.kind === 'exit') exit.pid.exit$.subscribe((r) => reasons.push(r));
    expect(reasons).toEqual([exit?.kind === 'exit' ? exit.reason : undefined]);
  });

  test('a later bad spec is refused with an event and disturbs nothing', () => {
    const before = liveActorCount();
    const specs = new Subject<ChildSpec>();
    const { log, sub } = collect(specs.pipe(oneForOne()));
    specs.next(child('a', () => NEVER));
    const started = log.filter((n) => n.kind === 'child-started');
    expect(started).toHaveLength(1);
    log.length = 0;

    specs.next(asSpec({ id: 'b', start: () => NEVER, restart: 'often' }));
    expect(log).toEqual([
      {
        kind: 'refused',
        path: ['b'],
        incarnation: 0,
        error: expect.any(ChildSpecError) as unknown,
      },
    ]);
    expect((log[0] as { error: ChildSpecError }).error).toMatchObject({
      childId: 'b',
      field: 'restart',
    });
    // The supervisor and its first child live on; a good spec after the bad one still starts.
    specs.next(child('c', () => NEVER));
    expect(log.map((n) => n.kind)).toEqual(['refused', 'child-started']);
    expect(liveActorCount()).toBe(before + 3);
    sub.unsubscribe();
    expect(liveActorCount()).toBe(before);
  });

  test('a later spec with a taken id is refused and the running child keeps its pid', () => {
    const registry = new Registry();
    const specs = new Subject<ChildSpec>();
    const { log, sub } = collect(specs.pipe(oneForOne({ registry })));
    specs.next(child('a', () => NEVER));
    const pid = registry.whereis('a');
    expect(pid).toBeDefined();
    const second = idle();
    specs.next(child('a', second));
    const refused = log.filter((n) => n.kind === 'refused');
    expect(refused).toHaveLength(1);
    expect((refused[0] as { error: ChildSpecError }).error).toMatchObject({
      childId: 'a',
      field: 'id',
    });
    expect(second).not.toHaveBeenCalled();
    expect(registry.whereis('a')).toBe(pid);
    expect(log.some((n) => n.kind === 'exit' || n.kind === 'child-exited')).toBe(false);
    sub.unsubscribe();
  });

  test('a later spec that is not an object is refused with an empty path', () => {
    const specs = new Subject<ChildSpec>();
    const { log, sub } = collect(specs.pipe(oneForOne()));
    specs.next(null as unknown as ChildSpec);
    expect(log.map((n) => n.kind)).toEqual(['started', 'refused']);
    expect(log[1]).toMatchObject({ path: [], incarnation: 0 });
    sub.unsubscribe();
  });

  test('maxChildren: an initial set larger than it makes the supervisor exit, nothing started', () => {
    const before = liveActorCount();
    const starts = [idle(), idle(), idle()] as const;
    const { log } = collect(
      of(child('a', starts[0]), child('b', starts[1]), child('c', starts[2])).pipe(
        oneForOne({ maxChildren: 2 }),
      ),
    );
    expect(log.map((n) => n.kind)).toEqual(['exit']);
    const error = (log[0] as { reason: { error: unknown } }).reason.error;
    expect(error).toBeInstanceOf(ChildSpecError);
    expect(error).toMatchObject({ childId: 'c', field: 'maxChildren' });
    for (const start of starts) expect(start).not.toHaveBeenCalled();
    expect(liveActorCount()).toBe(before);
  });

  test('maxChildren: a spec beyond it is refused while the others run on', () => {
    const specs = new Subject<ChildSpec>();
    const { log, sub } = collect(specs.pipe(oneForOne({ maxChildren: 1 })));
    specs.next(child('a', () => NEVER));
    const extra = idle();
    specs.next(child('b', extra));
    expect(log.map((n) => n.kind)).toEqual(['started', 'child-started', 'refused']);
    expect((log[2] as { error: ChildSpecError }).error).toMatchObject({
      childId: 'b',
      field: 'maxChildren',
    });
    expect(extra).not.toHaveBeenCalled();
    sub.unsubscribe();
  });

  test('maxChildren 0 takes no child at all', () => {
    const specs = new Subject<ChildSpec>();
    const { log, sub } = collect(specs.pipe(oneForOne({ maxChildren: 0 })));
    specs.next(child('a', () => NEVER));
    expect(log.map((n) => n.kind)).toEqual(['started', 'refused']);
    sub.unsubscribe();
  });
});
