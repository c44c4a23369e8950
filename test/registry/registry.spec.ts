import { Subject, type Subscription } from 'rxjs';
import {
  AlreadyRegisteredError,
  NoProcError,
  Registry,
  genServer,
  spawn,
  stop,
  type ExitReason,
  type Lifecycle,
  type Pid,
} from '../../src/index.js';

const idle = genServer({ init: () => 0 });

/** Every value `whereis$(name)` emits, labelled by pid id ('-' for undefined). */
function watchName(
  registry: Registry,
  name: string,
): { seen: string[]; subscription: Subscription } {
  const seen: string[] = [];
  const subscription = registry
    .whereis$(name)
    .subscribe((pid) => seen.push(pid === undefined ? '-' : String(pid.id)));
  return { seen, subscription };
}

/** What entries$ holds right now, as [name, pid id] pairs. */
function entriesNow(registry: Registry): [string, number][] {
  let pairs: [string, number][] = [];
  registry.entries$
    .subscribe((view) => (pairs = [...view].map(([name, pid]) => [name, pid.id])))
    .unsubscribe();
  return pairs;
}

describe('register and whereis', () => {
  test('whereis gives the pid registered under a name, undefined for any other', () => {
    const registry = new Registry();
    const pid = spawn(idle, undefined);
    registry.register('db', pid);
    expect(registry.whereis('db')).toBe(pid);
    expect(registry.whereis('cache')).toBeUndefined();
  });

  test('a pid may hold several names', () => {
    const registry = new Registry();
    const pid = spawn(idle, undefined);
    registry.register('a', pid);
    registry.register('b', pid);
    expect(registry.whereis('a')).toBe(pid);
    expect(registry.whereis('b')).toBe(pid);
  });

  test('registering a name again for the pid that holds it changes nothing', () => {
    const registry = new Registry();
    const pid = spawn(idle, undefined);
    registry.register('db', pid);
    const { seen } = watchName(registry, 'db');
    expect(() => registry.register('db', pid)).not.toThrow();
    expect(registry.whereis('db')).toBe(pid);
    expect(seen).toEqual([String(pid.id)]);
  });

  test('a name held by a live pid cannot be taken: AlreadyRegisteredError, and the holder keeps it', () => {
    const registry = new Registry();
    const holder = spawn(idle, undefined);
    const other = spawn(idle, undefined);
    registry.register('db', holder);
    let error: unknown;
    try {
      registry.register('db', other);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AlreadyRegisteredError);
    expect((error as AlreadyRegisteredError).registeredName).toBe('db');
    expect((error as AlreadyRegisteredError).message).toContain('db');
    expect((error as AlreadyRegisteredError).message).toContain(String(holder.id));
    expect(registry.whereis('db')).toBe(holder);
  });

  test('a dead pid cannot be registered: NoProcError, and nothing is registered', () => {
    const registry = new Registry();
    const pid = spawn(idle, undefined);
    stop(pid);
    expect(() => registry.register('db', pid)).toThrow(NoProcError);
    expect(registry.whereis('db')).toBeUndefined();
    expect(entriesNow(registry)).toEqual([]);
  });

  test.each(['', '__proto__', 'constructor', 'hasOwnProperty', 'toString', ' ', 'ümlaut/ß'])(
    'any string is a valid name: %j',
    (name) => {
      const registry = new Registry();
      const pid = spawn(idle, undefined);
      expect(registry.whereis(name)).toBeUndefined();
      registry.register(name, pid);
      expect(registry.whereis(name)).toBe(pid);
      expect(entriesNow(registry)).toEqual([[name, pid.id]]);
      expect(registry.unregister(name, pid)).toBe(true);
      expect(registry.whereis(name)).toBeUndefined();
    },
  );

  test('two registries never share entries', () => {
    const first = new Registry();
    const second = new Registry();
    const a = spawn(idle, undefined);
    const b = spawn(idle, undefined);
    first.register('db', a);
    expect(second.whereis('db')).toBeUndefined();
    expect(entriesNow(second)).toEqual([]);
    second.register('db', b);
    expect(first.whereis('db')).toBe(a);
    expect(second.whereis('db')).toBe(b);
    first.unregister('db');
    expect(second.whereis('db')).toBe(b);
  });
});

describe('unregister', () => {
  test('removes a name and returns true; an unknown name returns false', () => {
    const registry = new Registry();
    const pid = spawn(idle, undefined);
    registry.register('db', pid);
    expect(registry.unregister('db')).toBe(true);
    expect(registry.whereis('db')).toBeUndefined();
    expect(registry.unregister('db')).toBe(false);
  });

  test('with a pid, removes the name only if it still points at that pid (compare-and-delete)', () => {
    const registry = new Registry();
    const holder = spawn(idle, undefined);
    const other = spawn(idle, undefined);
    registry.register('db', holder);
    expect(registry.unregister('db', other)).toBe(false);
    expect(registry.whereis('db')).toBe(holder);
    expect(registry.unregister('db', holder)).toBe(true);
    expect(registry.whereis('db')).toBeUndefined();
  });

  test('leaves the pid running', () => {
    const registry = new Registry();
    const pid = spawn(idle, undefined);
    registry.register('db', pid);
    registry.unregister('db');
    let reason: ExitReason | undefined;
    pid.exit$.subscribe((r) => (reason = r));
    expect(reason).toBeUndefined();
  });
});

describe('names and exits', () => {
  test('a name is freed when its pid exits', () => {
    const registry = new Registry();
    const pid = spawn(idle, undefined);
    registry.register('db', pid);
    registry.register('primary', pid);
    stop(pid);
    expect(registry.whereis('db')).toBeUndefined();
    expect(registry.whereis('primary')).toBeUndefined();
    expect(entriesNow(registry)).toEqual([]);
  });

  test('the name is already free when exit$ and the exit notification are delivered', () => {
    const registry = new Registry();
    const seenAtExit: unknown[] = [];
    let pid: Pid | undefined;
    idle.start(undefined, { name: 'db', registry }).subscribe((n: Lifecycle) => {
      if (n.kind === 'started') pid = n.pid;
      else seenAtExit.push(registry.whereis('db'));
    });
    pid!.exit$.subscribe(() => seenAtExit.push(registry.whereis('db')));
    stop(pid!);
    expect(seenAtExit).toEqual([undefined, undefined]);
  });

  test('a freed name can be taken by another pid', () => {
    const registry = new Registry();
    const first = spawn(idle, undefined);
    const second = spawn(idle, undefined);
    registry.register('db', first);
    stop(first);
    registry.register('db', second);
    expect(registry.whereis('db')).toBe(second);
  });

  test('a pid that exits after losing its name does not free the new holder', () => {
    const registry = new Registry();
    const first = spawn(idle, undefined);
    const second = spawn(idle, undefined);
    registry.register('db', first);
    registry.unregister('db', first);
    registry.register('db', second);
    stop(first);
    expect(registry.whereis('db')).toBe(second);
  });
});

describe('whereis$', () => {
  test('emits the current pid at once, or undefined', () => {
    const registry = new Registry();
    const pid = spawn(idle, undefined);
    registry.register('db', pid);
    expect(watchName(registry, 'db').seen).toEqual([String(pid.id)]);
    expect(watchName(registry, 'other').seen).toEqual(['-']);
  });

  test("then only when that name's pid changes", () => {
    const registry = new Registry();
    const a = spawn(idle, undefined);
    const b = spawn(idle, undefined);
    const { seen } = watchName(registry, 'db');
    registry.register('db', a);
    registry.register('db', a);
    registry.register('elsewhere', b);
    registry.unregister('elsewhere');
    expect(registry.unregister('db', b)).toBe(false);
    stop(a);
    registry.register('db', b);
    registry.unregister('db');
    expect(registry.unregister('db')).toBe(false);
    expect(seen).toEqual(['-', String(a.id), '-', String(b.id), '-']);
  });

  test('stops emitting once unsubscribed', () => {
    const registry = new Registry();
    const { seen, subscription } = watchName(registry, 'db');
    subscription.unsubscribe();
    registry.register('db', spawn(idle, undefined));
    expect(seen).toEqual(['-']);
  });

  test('a subscriber that changes the name while being told leaves no other subscriber with a stale pid', () => {
    const registry = new Registry();
    const pid = spawn(idle, undefined);
    // The first subscriber takes the name away as soon as it appears.
    registry.whereis$('db').subscribe((p) => {
      if (p !== undefined) registry.unregister('db', p);
    });
    const { seen } = watchName(registry, 'db');
    registry.register('db', pid);
    expect(registry.whereis('db')).toBeUndefined();
    // Whatever it saw in between, the last value it got must be the current one, and no value twice in a row.
    expect(seen[seen.length - 1]).toBe('-');
    expect(seen.filter((v, i) => i > 0 && v === seen[i - 1])).toEqual([]);
  });
});

describe('entries$', () => {
  test('emits at once a read-only view of the names', () => {
    const registry = new Registry();
    const pid = spawn(idle, undefined);
    registry.register('db', pid);
    let view: ReadonlyMap<string, Pid> | undefined;
    registry.entries$.subscribe((v) => (view = v)).unsubscribe();
    expect(view?.get('db')).toBe(pid);
    expect(view?.has('db')).toBe(true);
    expect(view?.has('cache')).toBe(false);
    expect(view?.size).toBe(1);
    expect([...view!.keys()]).toEqual(['db']);
    expect([...view!.values()]).toEqual([pid]);
    expect([...view!.entries()]).toEqual([['db', pid]]);
    const visited: string[] = [];
    view?.forEach((p, name) => visited.push(`${name}=${p.id}`));
    expect(visited).toEqual([`db=${pid.id}`]);
    // Read-only: it offers no way to change the registry behind its back.
    const mutable = view as Partial<Map<string, Pid>>;
    expect(mutable.set).toBeUndefined();
    expect(mutable.delete).toBeUndefined();
    expect(mutable.clear).toBeUndefined();
  });

  test('emits on every change, and each emission shows the names as they are then', () => {
    const registry = new Registry();
    const a = spawn(idle, undefined);
    const b = spawn(idle, undefined);
    const snapshots: string[][] = [];
    registry.entries$.subscribe((view) =>
      snapshots.push([...view].map(([name, pid]) => `${name}=${pid.id}`).sort()),
    );
    registry.register('a', a);
    registry.register('b', b);
    registry.unregister('a');
    stop(b);
    expect(snapshots).toEqual([[], [`a=${a.id}`], [`a=${a.id}`, `b=${b.id}`], [`b=${b.id}`], []]);
  });
});

describe('registering through start options', () => {
  test('the name is registered once init has settled, before started is emitted', () => {
    const registry = new Registry();
    const gate = new Subject<number>();
    const seenAtStarted: unknown[] = [];
    genServer({ init: () => gate })
      .start(undefined, { name: 'svc', registry })
      .subscribe((n) => {
        if (n.kind === 'started') seenAtStarted.push(registry.whereis('svc') === n.pid);
      });
    expect(registry.whereis('svc')).toBeUndefined();
    gate.next(1);
    gate.complete();
    expect(seenAtStarted).toEqual([true]);
    expect(registry.whereis('svc')?.name).toBe('svc');
  });

  test('spawn with { name, registry } registers the new pid', () => {
    const registry = new Registry();
    const pid = spawn(idle, undefined, { name: 'svc', registry });
    expect(registry.whereis('svc')).toBe(pid);
    stop(pid);
    expect(registry.whereis('svc')).toBeUndefined();
  });

  test('a name that is taken makes the incarnation exit with AlreadyRegisteredError before init runs', () => {
    const registry = new Registry();
    const holder = spawn(idle, undefined, { name: 'svc', registry });
    const init = jest.fn(() => 0);
    const terminate = jest.fn();
    const events: Lifecycle[] = [];
    genServer({ init, terminate })
      .start(undefined, { name: 'svc', registry })
      .subscribe((n) => events.push(n));
    expect(events.map((n) => n.kind)).toEqual(['exit']);
    const exit = events[0];
    const error = exit?.kind === 'exit' && exit.reason.kind === 'error' && exit.reason.error;
    expect(error).toBeInstanceOf(AlreadyRegisteredError);
    expect(init).not.toHaveBeenCalled();
    expect(terminate).not.toHaveBeenCalled();
    expect(registry.whereis('svc')).toBe(holder);
  });

  test('the same name in two registries is two names', () => {
    const first = new Registry();
    const second = new Registry();
    const a = spawn(idle, undefined, { name: 'svc', registry: first });
    const b = spawn(idle, undefined, { name: 'svc', registry: second });
    expect(first.whereis('svc')).toBe(a);
    expect(second.whereis('svc')).toBe(b);
  });
});

test('a whereis$ subscriber that registers the name on its first value is told the new pid', () => {
  const registry = new Registry();
  const pid = spawn(idle, undefined);
  const seen: (Pid | undefined)[] = [];
  registry.whereis$('a').subscribe((p) => {
    seen.push(p);
    if (p === undefined) registry.register('a', pid);
  });
  // docs/design.md, "Names": whereis$(name) emits the current pid (or undefined) at once, then
  // only when that name's pid changes.
  expect(registry.whereis('a')).toBe(pid);
  expect(seen.map((p) => p?.id)).toEqual([undefined, pid.id]);
});
