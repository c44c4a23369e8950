import { NEVER, of, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  AlreadyRegisteredError,
  Registry,
  cast,
  child,
  genServer,
  oneForAll,
  oneForOne,
  spawn,
  stop,
  whichChildren,
  type Pid,
  type SupervisorNotification,
} from '../../src/index.js';
import { liveActorCount } from '../../src/testing/index.js';

/** A worker that crashes on 'crash' and stops normally on 'stop'. */
const worker = genServer({
  init: () => 0,
  handleCast: (msg: 'crash' | 'stop' | 'inc', n: number, ctx) => {
    if (msg === 'crash') throw new Error('crash requested');
    if (msg === 'stop') ctx.stop();
    return n + 1;
  },
});

const newScheduler = (): TestScheduler => new TestScheduler((a, b) => expect(a).toEqual(b));

/** Records each pid `whereis$(name)` gives, with the virtual time it came at. */
const watch = (
  registry: Registry,
  name: string,
  ts?: TestScheduler,
): { seen: [number, Pid | undefined][]; sub: Subscription } => {
  const seen: [number, Pid | undefined][] = [];
  const sub = registry.whereis$(name).subscribe((pid) => seen.push([ts?.now() ?? 0, pid]));
  return { seen, sub };
};

const names = (registry: Registry): string[] => {
  let keys: string[] = [];
  registry.entries$.subscribe((view) => (keys = [...view.keys()])).unsubscribe();
  return keys;
};

test("a child's name points at its pid once started, at nothing while down, then at the new pid", () => {
  const before = liveActorCount();
  const registry = new Registry();
  const { seen } = watch(registry, 'w');
  const sub = of(child('w', () => worker.start()))
    .pipe(oneForOne({ registry }))
    .subscribe();
  const pid1 = registry.whereis('w');
  expect(pid1).toBeDefined();
  cast(pid1!, 'crash');
  // The restart needs no timer: the new pid is there when cast returns.
  const pid2 = registry.whereis('w');
  expect(pid2).toBeDefined();
  expect(pid2).not.toBe(pid1);
  expect(seen.map(([, pid]) => pid)).toEqual([undefined, pid1, undefined, pid2]);
  sub.unsubscribe();
  expect(registry.whereis('w')).toBeUndefined();
  expect(liveActorCount()).toBe(before);
});

test('each event sees the registry already reflecting its transition', () => {
  const registry = new Registry();
  const checks: string[] = [];
  const sub = of(child('w', () => worker.start()))
    .pipe(oneForOne({ registry }))
    .subscribe((n) => {
      if (n.kind === 'child-started') {
        checks.push(`started#${n.incarnation} registered=${registry.whereis('w') === n.pid}`);
      } else if (n.kind === 'child-exited') {
        checks.push(`exited#${n.incarnation} whereis=${String(registry.whereis('w'))}`);
      } else if (n.kind === 'restart') {
        checks.push(`restart whereis=${String(registry.whereis('w'))}`);
      }
    });
  cast(registry.whereis('w')!, 'crash');
  expect(checks).toEqual([
    'started#1 registered=true',
    'exited#1 whereis=undefined',
    'restart whereis=undefined',
    'started#2 registered=true',
  ]);
  sub.unsubscribe();
});

test('while a child waits out its backoff its name points at nothing', () => {
  const ts = newScheduler();
  const registry = new Registry();
  let seen: [number, Pid | undefined][] = [];
  ts.run(() => {
    seen = watch(registry, 'w', ts).seen;
    const sub = of(child('w', () => worker.start()))
      .pipe(oneForOne({ registry, backoff: { min: 10, max: 10 } }))
      .subscribe();
    ts.schedule(() => cast(registry.whereis('w')!, 'crash'), 5);
    ts.schedule(() => sub.unsubscribe(), 30);
  });
  expect(seen.map(([t, pid]) => [t, pid === undefined ? 'none' : 'pid'])).toEqual([
    [0, 'none'],
    [0, 'pid'],
    [5, 'none'],
    [15, 'pid'],
    [30, 'none'],
  ]);
  expect(seen[1]![1]).not.toBe(seen[3]![1]);
});

test("one_for_all: every torn-down sibling's name points at nothing until it is back", () => {
  const ts = newScheduler();
  const registry = new Registry();
  const logs: Record<string, [number, Pid | undefined][]> = {};
  let atBackoff: string[] = ['not reached'];
  ts.run(() => {
    for (const id of ['a', 'b', 'c']) logs[id] = watch(registry, id, ts).seen;
    const sub = of(
      child('a', () => worker.start()),
      child('b', () => worker.start()),
      child('c', () => worker.start()),
    )
      .pipe(oneForAll({ registry, backoff: { min: 10, max: 10 } }))
      .subscribe((n) => {
        if (n.kind === 'backoff') atBackoff = names(registry);
      });
    ts.schedule(() => cast(registry.whereis('b')!, 'crash'), 5);
    ts.schedule(() => sub.unsubscribe(), 30);
  });
  expect(atBackoff).toEqual([]);
  for (const id of ['a', 'b', 'c']) {
    const seen = logs[id]!;
    expect(seen.map(([t, pid]) => [t, pid === undefined ? 'none' : 'pid'])).toEqual([
      [0, 'none'],
      [0, 'pid'],
      [5, 'none'],
      [15, 'pid'],
      [30, 'none'],
    ]);
  }
});

test('one_for_all without backoff: siblings not yet restarted point at nothing', () => {
  const registry = new Registry();
  const whenAStarts: Record<string, boolean> = {};
  let round = 0;
  const sub = of(
    child('a', () => worker.start()),
    child('b', () => worker.start()),
    child('c', () => worker.start()),
  )
    .pipe(oneForAll({ registry }))
    .subscribe((n) => {
      if (n.kind === 'child-started' && n.path[0] === 'a' && ++round === 2) {
        whenAStarts.a = registry.whereis('a') === n.pid;
        whenAStarts.b = registry.whereis('b') === undefined;
        whenAStarts.c = registry.whereis('c') === undefined;
      }
    });
  cast(registry.whereis('b')!, 'crash');
  expect(whenAStarts).toEqual({ a: true, b: true, c: true });
  expect(names(registry).sort()).toEqual(['a', 'b', 'c']);
  sub.unsubscribe();
});

test('the name option registers the child under that name instead of its id', async () => {
  const registry = new Registry();
  let supervisor: Pid | undefined;
  const sub = of(child('w', () => worker.start(), { name: 'worker' }))
    .pipe(oneForOne({ registry }))
    .subscribe((n) => {
      if (n.kind === 'started') supervisor = n.pid;
    });
  const pid = registry.whereis('worker');
  expect(pid).toBeDefined();
  expect(registry.whereis('w')).toBeUndefined();
  const [info] = await whichChildren(supervisor!);
  expect(info).toMatchObject({ id: 'w', pid });
  cast(pid!, 'crash');
  expect(registry.whereis('worker')).toBeDefined();
  expect(registry.whereis('worker')).not.toBe(pid);
  sub.unsubscribe();
});

test("a nested supervisor does not use its parent's registry unless it is passed one", async () => {
  const parentRegistry = new Registry();
  const sub = of(
    child('sub', () => of(child('inner', () => worker.start())).pipe(oneForOne())),
    child('w', () => worker.start()),
  )
    .pipe(oneForOne({ registry: parentRegistry }))
    .subscribe();
  expect(names(parentRegistry).sort()).toEqual(['sub', 'w']);
  const subPid = parentRegistry.whereis('sub')!;
  const [inner] = await whichChildren(subPid);
  expect(inner).toMatchObject({ id: 'inner', status: 'running' });
  expect(inner?.pid).toBeDefined();
  expect(parentRegistry.whereis('inner')).toBeUndefined();
  sub.unsubscribe();
});

test('a nested supervisor passed the same registry registers its children there', () => {
  const registry = new Registry();
  const sub = of(
    child('sub', () => of(child('inner', () => worker.start())).pipe(oneForOne({ registry }))),
  )
    .pipe(oneForOne({ registry }))
    .subscribe();
  expect(names(registry).sort()).toEqual(['inner', 'sub']);
  const inner = registry.whereis('inner')!;
  cast(inner, 'crash');
  expect(registry.whereis('inner')).toBeDefined();
  expect(registry.whereis('inner')).not.toBe(inner);
  sub.unsubscribe();
  expect(names(registry)).toEqual([]);
});

test('each supervisor incarnation without a registry option gets a fresh one on started', () => {
  const tree$ = of(child('w', () => worker.start())).pipe(oneForOne());
  const registries: Registry[] = [];
  const subs = [1, 2].map(() =>
    tree$.subscribe((n) => {
      if (n.kind === 'started') registries.push(n.registry);
    }),
  );
  expect(registries).toHaveLength(2);
  const [r1, r2] = registries as [Registry, Registry];
  expect(r1).not.toBe(r2);
  expect(r1.whereis('w')).toBeDefined();
  expect(r2.whereis('w')).toBeDefined();
  expect(r1.whereis('w')).not.toBe(r2.whereis('w'));
  for (const s of subs) s.unsubscribe();
});

test('a child whose name is held by a live pid fails to start with AlreadyRegisteredError', () => {
  const before = liveActorCount();
  const registry = new Registry();
  const holder = spawn(worker, undefined, { name: 'w', registry });
  const log: SupervisorNotification[] = [];
  const start = jest.fn(() => worker.start());
  const sub = of(child('w', start, { restart: 'temporary' }))
    .pipe(oneForOne({ registry }))
    .subscribe((n) => log.push(n));
  expect(start).toHaveBeenCalledTimes(1);
  expect(log.map((n) => n.kind)).toEqual(['started', 'child-exited', 'child-removed']);
  const exited = log[1] as Extract<SupervisorNotification, { kind: 'child-exited' }>;
  expect(exited.reason.kind).toBe('error');
  expect(exited.reason.kind === 'error' && exited.reason.error).toBeInstanceOf(
    AlreadyRegisteredError,
  );
  expect(registry.whereis('w')).toBe(holder);
  sub.unsubscribe();
  stop(holder);
  expect(liveActorCount()).toBe(before);
});

test('a plain Observable child whose name is taken fails to start too', () => {
  const registry = new Registry();
  const holder = spawn(worker, undefined, { name: 'feed', registry });
  const log: SupervisorNotification[] = [];
  const sub = of(child('feed', () => NEVER))
    .pipe(oneForOne({ registry, intensity: 1 }))
    .subscribe((n) => log.push(n));
  // Every attempt fails the same way, so the supervisor gives up after its one allowed restart.
  expect(log.map((n) => n.kind)).toEqual([
    'started',
    'child-exited',
    'restart',
    'child-exited',
    'give-up',
    'exit',
  ]);
  for (const n of log) {
    if (n.kind === 'child-exited') {
      expect(n.reason.kind === 'error' && n.reason.error).toBeInstanceOf(AlreadyRegisteredError);
    }
  }
  expect(registry.whereis('feed')).toBe(holder);
  sub.unsubscribe();
  stop(holder);
});

test('after the supervisor exits none of its names is left', () => {
  const registry = new Registry();
  const sub = of(
    child('a', () => worker.start()),
    child('b', () => worker.start()),
  )
    .pipe(oneForOne({ registry, intensity: 0 }))
    .subscribe();
  expect(names(registry).sort()).toEqual(['a', 'b']);
  cast(registry.whereis('a')!, 'crash');
  expect(names(registry)).toEqual([]);
  sub.unsubscribe();
});
