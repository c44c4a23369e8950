import { NEVER, Subject, map, of, timer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  ActorExitError,
  ChildRunningError,
  NoProcError,
  NoSuchChildError,
  Registry,
  call,
  cast,
  child,
  countChildren,
  deadLetters$,
  deleteChild,
  genServer,
  oneForOne,
  restartChild,
  terminateChild,
  via,
  whichChildren,
  type ChildSpec,
  type ExitReason,
  type Pid,
  type SupervisorNotification,
  type SupervisorOptions,
  type Protocol,
} from '../../src/index.js';
import { liveActorCount } from '../../src/testing/index.js';

/**
 * A fresh virtual clock driven by hand (`flush`) outside `run`, so control
 * calls (Promises) can be awaited between steps.
 */
const newScheduler = (): TestScheduler => {
  const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
  ts.maxFrames = Number.POSITIVE_INFINITY;
  return ts;
};

/**
 * A worker whose `terminate` logs and takes `stopFrames` frames (never settles for
 * `Infinity`). It runs on `ts` too, so none of its time is real.
 */
const worker = (ts: TestScheduler, log: string[], stopFrames = 0) => {
  const def = genServer({
    init: (id: string) => id,
    handleCast: (msg: 'crash', id: string) => {
      if (msg === 'crash') throw new Error(`${id} crashed`);
      return id;
    },
    handleCall: (_req: 'id', _from, id: string) => ({ reply: id, state: id }),
    terminate: (reason: ExitReason, id: string): Observable<unknown> | void => {
      log.push(`${ts.now()} terminate ${id} ${reason.kind}`);
      if (stopFrames === Infinity) return NEVER;
      if (stopFrames > 0) return timer(stopFrames, ts);
    },
  });
  return { start: (id: string) => def.start(id, { scheduler: ts }) };
};

interface Tree {
  sup: Pid;
  registry: Registry;
  events: SupervisorNotification[];
  end: () => void;
}

/** Subscribes `specs` under one_for_one on `ts`, and gives the supervisor's pid and registry. */
function startTree(
  specs: Observable<ChildSpec>,
  ts: TestScheduler,
  options: SupervisorOptions = {},
): Tree {
  const events: SupervisorNotification[] = [];
  let sup: Pid | undefined;
  let registry: Registry | undefined;
  const sub = specs.pipe(oneForOne({ scheduler: ts, ...options })).subscribe((n) => {
    events.push(n);
    if (n.kind === 'started') {
      sup = n.pid;
      registry = n.registry;
    }
  });
  if (sup === undefined || registry === undefined) throw new Error('the supervisor did not start');
  return { sup, registry, events, end: () => sub.unsubscribe() };
}

const exitOf = (pid: Pid): ExitReason[] => {
  const reasons: ExitReason[] = [];
  pid.exit$.subscribe((r) => reasons.push(r));
  return reasons;
};

let before = 0;
beforeEach(() => {
  before = liveActorCount();
});
afterEach(() => {
  expect(liveActorCount()).toBe(before);
});

test('whichChildren lists ids in start order with status, restarts, incarnation and pid', async () => {
  const ts = newScheduler();
  const w = worker(ts, []);
  const tree = startTree(
    of(
      child('a', () => w.start('a')),
      child('sub', () => of(child('x', () => w.start('x'))).pipe(oneForOne({ scheduler: ts }))),
      child('b', () => w.start('b'), { restart: 'permanent' }),
    ),
    ts,
  );
  const { registry } = tree;
  expect(await whichChildren(tree.sup)).toMatchObject([
    {
      id: 'a',
      pid: registry.whereis('a'),
      type: 'worker',
      restart: 'transient',
      status: 'running',
      restarts: 0,
      incarnation: 1,
    },
    {
      id: 'sub',
      pid: registry.whereis('sub'),
      type: 'supervisor',
      restart: 'transient',
      status: 'running',
      restarts: 0,
      incarnation: 1,
    },
    {
      id: 'b',
      pid: registry.whereis('b'),
      type: 'worker',
      restart: 'permanent',
      status: 'running',
      restarts: 0,
      incarnation: 1,
    },
  ]);
  const oldB = registry.whereis('b')!;
  cast(oldB, 'crash');
  cast(registry.whereis('b')!, 'crash');
  const after = await whichChildren(tree.sup);
  expect(after.map((c) => [c.id, c.restarts, c.incarnation])).toEqual([
    ['a', 0, 1],
    ['sub', 0, 1],
    ['b', 2, 3],
  ]);
  expect(after[2]!.pid).toBe(registry.whereis('b'));
  expect(after[2]!.pid).not.toBe(oldB);
  tree.end();
});

test('whichChildren shows a child waiting out its backoff', async () => {
  const ts = newScheduler();
  const w = worker(ts, []);
  const tree = startTree(of(child('a', () => w.start('a'))), ts, {
    backoff: { min: 10, max: 10 },
  });
  cast(tree.registry.whereis('a')!, 'crash');
  expect(await whichChildren(tree.sup)).toMatchObject([
    { id: 'a', status: 'backoff', pid: undefined, restarts: 1, incarnation: 1 },
  ]);
  ts.flush();
  expect(await whichChildren(tree.sup)).toMatchObject([
    { id: 'a', status: 'running', restarts: 1, incarnation: 2 },
  ]);
  tree.end();
});

test('countChildren counts specs, live children, supervisors and workers', async () => {
  const ts = newScheduler();
  const w = worker(ts, []);
  const tree = startTree(
    of(
      child('a', () => w.start('a')),
      child('sub', () => of(child('x', () => w.start('x'))).pipe(oneForOne({ scheduler: ts }))),
      child('b', () => w.start('b')),
    ),
    ts,
  );
  expect(await countChildren(tree.sup)).toEqual({
    specs: 3,
    active: 3,
    supervisors: 1,
    workers: 2,
  });
  await terminateChild(tree.sup, 'a');
  expect(await countChildren(tree.sup)).toEqual({
    specs: 3,
    active: 2,
    supervisors: 1,
    workers: 2,
  });
  tree.end();
});

test('terminateChild stops the child within its shutdown, frees its name and keeps its spec', async () => {
  const ts = newScheduler();
  const log: string[] = [];
  const w = worker(ts, log, 3);
  const tree = startTree(
    of(
      child('a', () => w.start('a'), { restart: 'permanent', shutdown: 10 }),
      child('b', () => w.start('b')),
    ),
    ts,
  );
  const pid = tree.registry.whereis('a')!;
  const exits = exitOf(pid);
  let exitAt = -1;
  pid.exit$.subscribe(() => (exitAt = ts.now()));
  const done = terminateChild(tree.sup, 'a');
  ts.flush();
  await done;
  expect(exits).toEqual([{ kind: 'cancelled' }]);
  expect(exitAt).toBe(3);
  expect(log).toEqual(['0 terminate a cancelled']);
  expect(tree.registry.whereis('a')).toBeUndefined();
  expect(await whichChildren(tree.sup)).toMatchObject([
    { id: 'a', status: 'terminated', pid: undefined },
    { id: 'b', status: 'running' },
  ]);
  // A terminated child is not restarted, whatever its restart type.
  expect(tree.events.filter((n) => n.kind === 'restart')).toEqual([]);
  tree.end();
});

test('after terminateChild the name is neither registered nor pending', async () => {
  const ts = newScheduler();
  const w = worker(ts, []);
  const tree = startTree(of(child('a', () => w.start('a'))), ts);
  await terminateChild(tree.sup, 'a');
  await expect(call(via<Protocol>(tree.registry, 'a'), 'id')).rejects.toBeInstanceOf(NoProcError);
  expect(cast(via<Protocol>(tree.registry, 'a'), 'crash')).toBe(false);
  tree.end();
});

test('terminateChild on a temporary child drops its spec', async () => {
  const ts = newScheduler();
  const w = worker(ts, []);
  const tree = startTree(
    of(
      child('t', () => w.start('t'), { restart: 'temporary' }),
      child('b', () => w.start('b')),
    ),
    ts,
  );
  await terminateChild(tree.sup, 't');
  expect((await whichChildren(tree.sup)).map((c) => c.id)).toEqual(['b']);
  await expect(restartChild(tree.sup, 't')).rejects.toBeInstanceOf(NoSuchChildError);
  tree.end();
});

test('terminateChild gives up waiting at the shutdown time and abandons the child', async () => {
  const ts = newScheduler();
  const log: string[] = [];
  const w = worker(ts, log, Infinity);
  const tree = startTree(of(child('a', () => w.start('a'), { shutdown: 10 })), ts);
  const pid = tree.registry.whereis('a')!;
  let exitAt = -1;
  pid.exit$.subscribe(() => (exitAt = ts.now()));
  const done = terminateChild(tree.sup, 'a');
  ts.flush();
  await done;
  expect(exitAt).toBe(10);
  expect(await whichChildren(tree.sup)).toMatchObject([{ id: 'a', status: 'terminated' }]);
  tree.end();
});

test('restartChild starts a terminated child again under a new pid', async () => {
  const ts = newScheduler();
  const w = worker(ts, []);
  const tree = startTree(of(child('a', () => w.start('a'))), ts);
  const old = tree.registry.whereis('a')!;
  await terminateChild(tree.sup, 'a');
  const pid = await restartChild(tree.sup, 'a');
  expect(pid).not.toBe(old);
  expect(tree.registry.whereis('a')).toBe(pid);
  expect(await call(pid, 'id')).toBe('a');
  expect(await whichChildren(tree.sup)).toMatchObject([
    { id: 'a', status: 'running', pid, incarnation: 2 },
  ]);
  const started = tree.events.filter((n) => n.kind === 'child-started');
  expect(started.map((n) => n.incarnation)).toEqual([1, 2]);
  tree.end();
});

test('restartChild on a running child rejects with ChildRunningError', async () => {
  const ts = newScheduler();
  const w = worker(ts, []);
  const tree = startTree(of(child('a', () => w.start('a'))), ts);
  const pid = tree.registry.whereis('a');
  const error: unknown = await restartChild(tree.sup, 'a').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ChildRunningError);
  expect((error as ChildRunningError).childId).toBe('a');
  expect((error as Error).message).toContain("'a'");
  expect(tree.registry.whereis('a')).toBe(pid);
  tree.end();
});

test('deleteChild rejects with ChildRunningError unless the child is terminated', async () => {
  const ts = newScheduler();
  const w = worker(ts, []);
  const tree = startTree(
    of(
      child('a', () => w.start('a')),
      child('b', () => w.start('b')),
    ),
    ts,
  );
  await expect(deleteChild(tree.sup, 'a')).rejects.toBeInstanceOf(ChildRunningError);
  expect((await whichChildren(tree.sup)).map((c) => c.id)).toEqual(['a', 'b']);
  await terminateChild(tree.sup, 'a');
  await deleteChild(tree.sup, 'a');
  expect((await whichChildren(tree.sup)).map((c) => c.id)).toEqual(['b']);
  await expect(restartChild(tree.sup, 'a')).rejects.toBeInstanceOf(NoSuchChildError);
  tree.end();
});

test('a deleted id can be used again by a new spec', async () => {
  const ts = newScheduler();
  const w = worker(ts, []);
  const specs = new Subject<ChildSpec>();
  const tree = startTree(specs, ts);
  specs.next(child('a', () => w.start('a')));
  await terminateChild(tree.sup, 'a');
  await deleteChild(tree.sup, 'a');
  specs.next(child('a', () => w.start('second a')));
  expect(await call(tree.registry.whereis('a')!, 'id')).toBe('second a');
  expect(tree.events.filter((n) => n.kind === 'refused')).toEqual([]);
  tree.end();
});

test.each([
  ['terminateChild', terminateChild],
  ['restartChild', restartChild],
  ['deleteChild', deleteChild],
] as const)('%s with an unknown id rejects with NoSuchChildError', async (_name, control) => {
  const ts = newScheduler();
  const w = worker(ts, []);
  const tree = startTree(of(child('a', () => w.start('a'))), ts);
  const error: unknown = await (control(tree.sup, 'nope') as Promise<unknown>).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NoSuchChildError);
  expect((error as NoSuchChildError).childId).toBe('nope');
  expect((error as Error).message).toContain("'nope'");
  expect(await whichChildren(tree.sup)).toMatchObject([{ id: 'a', status: 'running' }]);
  tree.end();
});

test('control calls reach a nested supervisor through via(registry, name)', async () => {
  const ts = newScheduler();
  const w = worker(ts, []);
  const inner = new Registry();
  const tree = startTree(
    of(
      child('sub', () =>
        of(
          child('x', () => w.start('x')),
          child('y', () => w.start('y')),
        ).pipe(oneForOne({ scheduler: ts, registry: inner })),
      ),
    ),
    ts,
  );
  const sub = via(tree.registry, 'sub');
  expect((await whichChildren(sub)).map((c) => [c.id, c.status])).toEqual([
    ['x', 'running'],
    ['y', 'running'],
  ]);
  expect(await countChildren(sub)).toMatchObject({ specs: 2, active: 2 });
  await terminateChild(sub, 'x');
  expect(inner.whereis('x')).toBeUndefined();
  const pid = await restartChild(sub, 'x');
  expect(inner.whereis('x')).toBe(pid);
  await terminateChild(sub, 'y');
  await deleteChild(sub, 'y');
  expect((await whichChildren(sub)).map((c) => c.id)).toEqual(['x']);
  await expect(terminateChild(sub, 'y')).rejects.toBeInstanceOf(NoSuchChildError);
  tree.end();
});

test('a control call to a supervisor that has exited rejects with NoProcError', async () => {
  const ts = newScheduler();
  const w = worker(ts, []);
  const tree = startTree(of(child('a', () => w.start('a'))), ts);
  tree.end();
  await expect(whichChildren(tree.sup)).rejects.toBeInstanceOf(NoProcError);
  await expect(terminateChild(tree.sup, 'a')).rejects.toBeInstanceOf(NoProcError);
});

test('a control call with a bad target or id throws before anything is sent', () => {
  const ts = newScheduler();
  const w = worker(ts, []);
  const tree = startTree(of(child('a', () => w.start('a'))), ts);
  expect(() => whichChildren('sup' as unknown as Pid)).toThrow(TypeError);
  expect(() => terminateChild(tree.sup, 1 as unknown as string)).toThrow(TypeError);
  tree.end();
});

test('terminateChild during a backoff cancels the pending restart and drops held messages', async () => {
  const ts = newScheduler();
  const w = worker(ts, []);
  const letters: unknown[] = [];
  const lettersSub = deadLetters$.subscribe((d) => letters.push(d.message));
  const tree = startTree(of(child('a', () => w.start('a'))), ts, {
    backoff: { min: 10, max: 10 },
  });
  cast(tree.registry.whereis('a')!, 'crash');
  expect(cast(via<Protocol>(tree.registry, 'a'), 'crash')).toBe(true);
  await terminateChild(tree.sup, 'a');
  ts.flush();
  expect(await whichChildren(tree.sup)).toMatchObject([
    { id: 'a', status: 'terminated', incarnation: 1 },
  ]);
  expect(tree.registry.whereis('a')).toBeUndefined();
  expect(letters).toEqual(['crash']);
  lettersSub.unsubscribe();
  tree.end();
});

test('a control call still in progress when the supervisor is torn down rejects with ActorExitError', async () => {
  const ts = newScheduler();
  const w = worker(ts, [], 10);
  const tree = startTree(of(child('a', () => w.start('a'))), ts);
  const pending = terminateChild(tree.sup, 'a');
  tree.end();
  const error: unknown = await pending.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ActorExitError);
  expect((error as ActorExitError).reason).toEqual({ kind: 'cancelled' });
});

test('a control call made while a transition runs is answered when it is over', async () => {
  const ts = newScheduler();
  const slowInit = genServer({ init: (id: string) => timer(10, ts).pipe(map(() => id)) });
  const tree = startTree(
    of(
      child('a', () => slowInit.start('a')),
      child('b', () => slowInit.start('b')),
    ),
    ts,
  );
  const answers: string[] = [];
  const which = whichChildren(tree.sup).then((infos) => {
    answers.push(infos.map((c) => `${c.id}:${c.status}`).join(' '));
  });
  // Children start one at a time, each after the previous one's started.
  ts.flush();
  // b's 10-frame init began only when a had started at 10.
  expect(ts.now()).toBe(20);
  await which;
  expect(answers).toEqual(['a:running b:running']);
  expect(
    tree.events.flatMap((n) => (n.kind === 'child-started' ? [`${n.path.join('/')}`] : [])),
  ).toEqual(['a', 'b']);
  tree.end();
});
