import { NEVER, Subject, concat, of, throwError, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  MaxRestartsExceededError,
  Registry,
  cast,
  child,
  countChildren,
  genServer,
  oneForAll,
  oneForOne,
  whichChildren,
  type ChildSpec,
  type ExitReason,
  type Pid,
  type SupervisorEvent,
  type SupervisorNotification,
} from '../../src/index.js';
import { liveActorCount } from '../../src/testing/index.js';

const worker = genServer({
  init: () => 0,
  handleCast: (_msg: 'crash', _n: number): number => {
    throw new Error('crash requested');
  },
  terminate: () => {},
});

const w = (id: string, options?: Omit<ChildSpec, 'id' | 'start'>): ChildSpec =>
  child(id, () => worker.start(), options);

/** One line per notification: kind, path, incarnation and what matters for the kind. */
const line = (n: SupervisorNotification): string => {
  switch (n.kind) {
    case 'started':
      return 'started';
    case 'exit':
      return `exit ${n.reason.kind}`;
    case 'child-started':
      return `child-started ${n.path.join('/')} #${n.incarnation}`;
    case 'child-exited':
      return `child-exited ${n.path.join('/')} #${n.incarnation} ${n.reason.kind}`;
    case 'restart':
      return `restart ${n.path.join('/')} #${n.incarnation} [${n.ids.join(',')}] x${n.count}`;
    case 'backoff':
      return `backoff ${n.path.join('/')} #${n.incarnation} ${n.delay}ms`;
    case 'give-up':
      return `give-up ${n.path.join('/')} #${n.incarnation}`;
    case 'refused':
      return `refused ${n.path.join('/')}`;
    case 'child-removed':
      return `child-removed ${n.path.join('/')} #${n.incarnation}`;
  }
};

function run(tree$: Observable<SupervisorNotification>) {
  const all: SupervisorNotification[] = [];
  let sup: Pid | undefined;
  let registry: Registry | undefined;
  const sub = tree$.subscribe((n) => {
    all.push(n);
    if (n.kind === 'started') {
      sup = n.pid;
      registry = n.registry;
    }
  });
  return {
    all,
    lines: () => all.map(line),
    sup: sup!,
    registry: registry!,
    end: () => sub.unsubscribe(),
  };
}

let before = 0;
beforeEach(() => {
  before = liveActorCount();
});
afterEach(() => {
  expect(liveActorCount()).toBe(before);
});

test("a nested supervisor's events carry the path from the root", () => {
  const inner = new Registry();
  const t = run(
    of(
      w('a'),
      child('sub', () => of(w('w1'), w('w2')).pipe(oneForOne({ registry: inner }))),
    ).pipe(oneForOne()),
  );
  expect(t.lines()).toEqual([
    'started',
    'child-started a #1',
    // A supervisor emits its own started before its children start.
    'child-started sub #1',
    'child-started sub/w1 #1',
    'child-started sub/w2 #1',
  ]);
  t.all.length = 0;
  cast(inner.whereis('w1')!, 'crash');
  expect(t.lines()).toEqual([
    'child-exited sub/w1 #1 error',
    'restart sub/w1 #1 [w1] x1',
    'child-started sub/w1 #2',
  ]);
  const restart = t.all[1] as Extract<SupervisorEvent, { kind: 'restart' }>;
  expect(restart.path).toEqual(['sub', 'w1']);
  t.end();
});

test('paths go three levels deep', () => {
  const leafRegistry = new Registry();
  const t = run(
    of(
      child('mid', () =>
        of(child('leaf', () => of(w('c')).pipe(oneForOne({ registry: leafRegistry })))).pipe(
          oneForOne(),
        ),
      ),
    ).pipe(oneForOne()),
  );
  t.all.length = 0;
  cast(leafRegistry.whereis('c')!, 'crash');
  expect(t.all.map((n) => (n.kind === 'started' || n.kind === 'exit' ? [] : n.path))).toEqual([
    ['mid', 'leaf', 'c'],
    ['mid', 'leaf', 'c'],
    ['mid', 'leaf', 'c'],
  ]);
  t.end();
});

test('incarnation numbers count the starts of the child at the path', () => {
  const inner = new Registry();
  let subStarts = 0;
  const t = run(
    of(
      child('sub', () => {
        subStarts++;
        return of(w('w1')).pipe(oneForOne({ registry: inner, intensity: 0 }));
      }),
    ).pipe(oneForOne()),
  );
  cast(inner.whereis('w1')!, 'crash');
  cast(inner.whereis('w1')!, 'crash');
  expect(subStarts).toBe(3);
  expect(t.lines()).toEqual([
    'started',
    'child-started sub #1',
    'child-started sub/w1 #1',
    'child-exited sub/w1 #1 error',
    'give-up sub #1',
    'child-exited sub #1 error',
    'restart sub #1 [sub] x1',
    'child-started sub #2',
    // Each incarnation of 'sub' is a new supervisor: its children count from 1 again.
    'child-started sub/w1 #1',
    'child-exited sub/w1 #1 error',
    'give-up sub #2',
    'child-exited sub #2 error',
    'restart sub #2 [sub] x2',
    'child-started sub #3',
    'child-started sub/w1 #1',
  ]);
  t.end();
});

test('restart counts are the same in restart events and in whichChildren', async () => {
  const t = run(of(w('a'), w('b')).pipe(oneForOne({ intensity: 10 })));
  for (let i = 0; i < 3; i++) cast(t.registry.whereis('b')!, 'crash');
  const counts = t.all.flatMap((n) => (n.kind === 'restart' ? [n.count] : []));
  expect(counts).toEqual([1, 2, 3]);
  expect((await whichChildren(t.sup)).map((c) => [c.id, c.restarts, c.incarnation])).toEqual([
    ['a', 0, 1],
    ['b', 3, 4],
  ]);
  t.end();
});

test('under one_for_all every restarted child counts the restart', async () => {
  const t = run(of(w('a'), w('b'), w('c', { restart: 'temporary' })).pipe(oneForAll()));
  cast(t.registry.whereis('b')!, 'crash');
  const restart = t.all.find((n) => n.kind === 'restart');
  expect(restart).toMatchObject({ path: ['b'], ids: ['a', 'b'], count: 1 });
  expect((await whichChildren(t.sup)).map((c) => [c.id, c.restarts, c.incarnation])).toEqual([
    ['a', 1, 2],
    ['b', 1, 2],
  ]);
  t.end();
});

test('backoff and give-up events say how long and why', () => {
  const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
  const lines: string[] = [];
  let giveUp: SupervisorEvent | undefined;
  let exit: ExitReason | undefined;
  ts.run(() => {
    const registry = new Registry();
    of(w('a'))
      .pipe(oneForOne({ registry, intensity: 1, period: 1000, backoff: { min: 10, max: 100 } }))
      .subscribe((n) => {
        lines.push(`${ts.now()} ${line(n)}`);
        if (n.kind === 'give-up') giveUp = n;
        if (n.kind === 'exit') exit = n.reason;
      });
    ts.schedule(() => cast(registry.whereis('a')!, 'crash'), 5);
    ts.schedule(() => cast(registry.whereis('a')!, 'crash'), 20);
  });
  expect(lines).toEqual([
    '0 started',
    '0 child-started a #1',
    '5 child-exited a #1 error',
    '5 restart a #1 [a] x1',
    '5 backoff a #1 10ms',
    '15 child-started a #2',
    '20 child-exited a #2 error',
    '20 give-up  #1',
    '20 exit error',
  ]);
  expect(giveUp).toMatchObject({ kind: 'give-up', path: [] });
  const error = (giveUp as Extract<SupervisorEvent, { kind: 'give-up' }>).error;
  expect(error).toBeInstanceOf(MaxRestartsExceededError);
  expect(error).toMatchObject({ childId: 'a', restarts: 2, period: 1000 });
  expect(error.message).toContain("'a'");
  expect(exit).toEqual({ kind: 'error', error });
});

test('the started notification carries the registry the children are named in', () => {
  const registry = new Registry();
  const t = run(of(w('a')).pipe(oneForOne({ registry })));
  expect(t.all[0]).toEqual({ kind: 'started', pid: t.sup, registry });
  expect(registry.whereis('a')).toBeDefined();
  t.end();
});

test('a spec source that completes ends nothing', async () => {
  const specs = new Subject<ChildSpec>();
  const t = run(specs.pipe(oneForOne()));
  specs.next(w('a'));
  specs.complete();
  expect(t.lines()).toEqual(['started', 'child-started a #1']);
  expect(await countChildren(t.sup)).toMatchObject({ specs: 1, active: 1 });
  cast(t.registry.whereis('a')!, 'crash');
  expect(t.lines().at(-1)).toBe('child-started a #2');
  t.end();
});

test('an empty static source gives a supervisor that stays up with no children', async () => {
  const t = run(of<ChildSpec>().pipe(oneForOne()));
  expect(t.lines()).toEqual(['started']);
  expect(await whichChildren(t.sup)).toEqual([]);
  expect(liveActorCount()).toBe(before + 1);
  t.end();
});

test('a spec source that errors stops the children in reverse order and exits with that error', () => {
  const specs = new Subject<ChildSpec>();
  const t = run(specs.pipe(oneForOne()));
  specs.next(w('a'));
  specs.next(w('b'));
  const pids = [t.registry.whereis('a')!, t.registry.whereis('b')!];
  const exits: ExitReason[] = [];
  for (const pid of pids) pid.exit$.subscribe((r) => exits.push(r));
  const boom = new Error('spec source failed');
  specs.error(boom);
  expect(t.lines().slice(3)).toEqual([
    'child-exited b #1 cancelled',
    'child-exited a #1 cancelled',
    'exit error',
  ]);
  expect(t.all.at(-1)).toEqual({
    kind: 'exit',
    pid: t.sup,
    reason: { kind: 'error', error: boom },
  });
  expect(exits).toEqual([{ kind: 'cancelled' }, { kind: 'cancelled' }]);
});

test('a spec source that errors while being subscribed: only exit(error), nothing started', () => {
  const start = jest.fn(() => NEVER);
  const boom = new Error('no specs today');
  const t = run(
    concat(
      of(child('a', start)),
      throwError(() => boom),
    ).pipe(oneForOne()),
  );
  expect(t.all).toEqual([
    { kind: 'exit', pid: expect.anything() as unknown, reason: { kind: 'error', error: boom } },
  ]);
  expect(start).not.toHaveBeenCalled();
});

test('a supervisor started by a parent reports its own events only through the parent', () => {
  const t = run(of(child('sub', () => of(w('x')).pipe(oneForOne()))).pipe(oneForOne()));
  // The nested supervisor's started/exit notifications become child-started/child-exited.
  expect(t.all.filter((n) => n.kind === 'started')).toHaveLength(1);
  expect(t.lines()).toContain('child-started sub #1');
  t.end();
});
