import { Observable, finalize, first, map, NEVER, of, take, timer, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  MaxRestartsExceededError,
  Registry,
  cast,
  child,
  genServer,
  oneForAll,
  oneForOne,
  stop,
  type ChildSpec,
  type ExitReason,
  type Pid,
  type SupervisorNotification,
} from '../../src/index.js';
import { liveActorCount } from '../../src/testing/index.js';
import { useUnhandledErrors } from '../support.js';
import { reasonOf, runTree } from './tree-log.js';

const newScheduler = (): TestScheduler => {
  const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
  ts.maxFrames = Number.POSITIVE_INFINITY;
  return ts;
};

/** A worker that logs `init <name>` and `terminate <name> <reason>`; 'crash' throws. */
const logged = (log: string[], terminate?: () => Observable<unknown>) =>
  genServer({
    init: (name: string) => {
      log.push(`init ${name}`);
      return name;
    },
    handleCast: (_msg: 'crash', name: string): string => {
      throw new Error(`${name} crashed`);
    },
    terminate: (reason: ExitReason, name: string) => {
      log.push(`terminate ${name} ${reason.kind}`);
      return terminate?.();
    },
  });

/** A spec whose incarnations are named `<id>#<n>`; `ts` becomes the child's own scheduler. */
const counted = (id: string, def: ReturnType<typeof logged>, ts?: TestScheduler): ChildSpec => {
  let n = 0;
  return child(id, () => def.start(`${id}#${++n}`, { scheduler: ts }));
};

/** Every pid a tree reports, root first, with the reasons their `exit$` gives. */
function track(tree$: Observable<SupervisorNotification>): {
  sub: Subscription;
  pids: Pid[];
  exits: Map<Pid, ExitReason[]>;
  events: SupervisorNotification[];
} {
  const pids: Pid[] = [];
  const exits = new Map<Pid, ExitReason[]>();
  const events: SupervisorNotification[] = [];
  const watch = (pid: Pid): void => {
    pids.push(pid);
    const reasons: ExitReason[] = [];
    exits.set(pid, reasons);
    pid.exit$.subscribe((r) => reasons.push(r));
  };
  const sub = tree$.subscribe((n) => {
    events.push(n);
    if (n.kind === 'started' || n.kind === 'child-started') watch(n.pid);
  });
  return { sub, pids, exits, events };
}

test('unsubscribing the root stops every descendant, deepest and last-started first, synchronously', () => {
  const before = liveActorCount();
  const log: string[] = [];
  const w = logged(log);
  const tree = track(
    of(
      counted('a', w),
      child('mid', () =>
        of(
          counted('b', w),
          child('leaf', () => of(counted('c', w), counted('d', w)).pipe(oneForOne())),
        ).pipe(oneForOne()),
      ),
      counted('e', w),
    ).pipe(oneForOne()),
  );
  expect(log).toEqual(['init a#1', 'init b#1', 'init c#1', 'init d#1', 'init e#1']);
  log.length = 0;
  tree.sub.unsubscribe();
  expect(log).toEqual([
    'terminate e#1 cancelled',
    'terminate d#1 cancelled',
    'terminate c#1 cancelled',
    'terminate b#1 cancelled',
    'terminate a#1 cancelled',
  ]);
  // root, a, mid, b, leaf, c, d, e
  expect(tree.pids).toHaveLength(8);
  for (const pid of tree.pids) expect(tree.exits.get(pid)).toEqual([{ kind: 'cancelled' }]);
  expect(liveActorCount()).toBe(before);
});

test('nothing more is emitted on the stream of an unsubscribed root', () => {
  const log: string[] = [];
  const w = logged(log);
  const tree = track(of(counted('a', w), counted('b', w)).pipe(oneForOne()));
  const seen = tree.events.length;
  tree.sub.unsubscribe();
  expect(tree.events).toHaveLength(seen);
});

test('async terminates are started at once and the pids are dead on return', () => {
  const ts = newScheduler();
  const before = liveActorCount();
  const log: string[] = [];
  const finished: string[] = [];
  const slow = logged(log, () => timer(5, ts).pipe(finalize(() => finished.push(`${ts.now()}`))));
  const tree = track(
    of(counted('a', slow, ts), counted('b', slow, ts)).pipe(oneForOne({ scheduler: ts })),
  );
  tree.sub.unsubscribe();
  expect(log).toEqual([
    'init a#1',
    'init b#1',
    'terminate b#1 cancelled',
    'terminate a#1 cancelled',
  ]);
  expect(liveActorCount()).toBe(before);
  for (const pid of tree.pids) expect(tree.exits.get(pid)).toEqual([{ kind: 'cancelled' }]);
  ts.flush();
  expect(finished).toEqual(['5', '5']);
});

test("a terminate still running at teardown is cut at its shutdown, timed on the supervisor's scheduler", () => {
  const ts = newScheduler();
  const before = liveActorCount();
  const log: string[] = [];
  // The child keeps the default scheduler: its shutdown is the supervisor's to time.
  const stuck = genServer({
    init: () => 0,
    terminate: () =>
      new Observable<never>(() => () => void log.push(`${ts.now()} terminate unsubscribed`)),
  });
  const sub = of(child('s', () => stuck.start(), { shutdown: 10 }))
    .pipe(oneForOne({ scheduler: ts }))
    .subscribe();
  sub.unsubscribe();
  expect(liveActorCount()).toBe(before);
  ts.flush();
  expect(log).toEqual(['10 terminate unsubscribed']);
});

test('plain Observable children are unsubscribed in reverse start order', () => {
  const before = liveActorCount();
  const log: string[] = [];
  const plain = (id: string) => child(id, () => NEVER.pipe(finalize(() => log.push(id))));
  const tree = track(
    of(
      plain('p1'),
      child('sub', () => of(plain('p2'), plain('p3')).pipe(oneForAll())),
      plain('p4'),
    ).pipe(oneForOne()),
  );
  tree.sub.unsubscribe();
  expect(log).toEqual(['p4', 'p3', 'p2', 'p1']);
  for (const pid of tree.pids) expect(tree.exits.get(pid)).toEqual([{ kind: 'cancelled' }]);
  expect(liveActorCount()).toBe(before);
});

test('a child whose async init is in flight is cancelled without running terminate', () => {
  const ts = newScheduler();
  const before = liveActorCount();
  const log: string[] = [];
  const slowInit = genServer({
    init: () =>
      new Observable<string>((subscriber) => {
        log.push('init subscribed');
        const t = timer(50, ts).subscribe(() => {
          subscriber.next('ready');
          subscriber.complete();
        });
        return () => {
          t.unsubscribe();
          log.push('init unsubscribed');
        };
      }),
    terminate: () => void log.push('terminate'),
  });
  const tree = track(of(child('s', () => slowInit.start())).pipe(oneForOne({ scheduler: ts })));
  ts.schedule(() => tree.sub.unsubscribe(), 10);
  ts.flush();
  expect(log).toEqual(['init subscribed', 'init unsubscribed']);
  expect(tree.events.filter((n) => n.kind === 'child-started')).toEqual([]);
  expect(liveActorCount()).toBe(before);
});

test('a sub-supervisor that gave up and is restarted leaves no child of its previous incarnation', () => {
  const before = liveActorCount();
  const log: string[] = [];
  const w = logged(log);
  const innerRegistry = new Registry();
  // Made once, so their incarnation counters run across the sub-supervisor's restarts.
  const s1 = counted('s1', w);
  const bomb = counted('bomb', w);
  const tree = track(
    of(
      child('sub', () => of(s1, bomb).pipe(oneForOne({ intensity: 0, registry: innerRegistry }))),
    ).pipe(oneForOne()),
  );
  const oldS1 = innerRegistry.whereis('s1')!;
  log.length = 0;
  cast(innerRegistry.whereis('bomb')!, 'crash');
  expect(log).toEqual([
    'terminate bomb#1 error',
    'terminate s1#1 cancelled',
    'init s1#2',
    'init bomb#2',
  ]);
  expect(tree.exits.get(oldS1)).toEqual([{ kind: 'cancelled' }]);
  // root, sub#2, s1#2, bomb#2: nothing of sub#1 is alive.
  expect(liveActorCount()).toBe(before + 4);
  tree.sub.unsubscribe();
  expect(liveActorCount()).toBe(before);
});

test('a sub-supervisor torn down by one_for_all stops its children before its next incarnation starts', () => {
  const before = liveActorCount();
  const log: string[] = [];
  const w = logged(log);
  const registry = new Registry();
  const s1 = counted('s1', w);
  const s2 = counted('s2', w);
  const tree = track(
    of(
      child('sub', () => of(s1, s2).pipe(oneForOne())),
      counted('w', w),
    ).pipe(oneForAll({ registry })),
  );
  log.length = 0;
  cast(registry.whereis('w')!, 'crash');
  expect(log).toEqual([
    'terminate w#1 error',
    'terminate s2#1 cancelled',
    'terminate s1#1 cancelled',
    'init s1#2',
    'init s2#2',
    'init w#2',
  ]);
  const firstGeneration = tree.pids.slice(1, 5);
  for (const pid of firstGeneration) expect(tree.exits.get(pid)).toHaveLength(1);
  // root, sub#2, s1#2, s2#2, w#2
  expect(liveActorCount()).toBe(before + 5);
  tree.sub.unsubscribe();
  expect(liveActorCount()).toBe(before);
});

test('stop() on a supervisor stops its children in reverse order and exits with the reason', () => {
  const before = liveActorCount();
  const log: string[] = [];
  const w = logged(log);
  const tree = track(of(counted('a', w), counted('b', w), counted('c', w)).pipe(oneForOne()));
  log.length = 0;
  const root = tree.pids[0]!;
  expect(stop(root)).toBe(true);
  expect(log).toEqual([
    'terminate c#1 cancelled',
    'terminate b#1 cancelled',
    'terminate a#1 cancelled',
  ]);
  expect(tree.events.at(-1)).toEqual({ kind: 'exit', pid: root, reason: { kind: 'normal' } });
  const exited = tree.events.filter((n) => n.kind === 'child-exited');
  expect(exited.map((n) => [n.path.join('/'), n.reason.kind])).toEqual([
    ['c', 'cancelled'],
    ['b', 'cancelled'],
    ['a', 'cancelled'],
  ]);
  expect(liveActorCount()).toBe(before);
});

test('stop() on a supervisor exits once a stuck child has had its shutdown time', () => {
  const ts = newScheduler();
  const before = liveActorCount();
  const log: string[] = [];
  const stuck = genServer({ init: () => 0, terminate: () => NEVER });
  ts.run(() => {
    let root: Pid | undefined;
    const sub = of(child('stuck', () => stuck.start(), { shutdown: 7 }))
      .pipe(oneForOne())
      .subscribe((n) => {
        if (n.kind === 'started') root = n.pid;
        if (n.kind === 'child-exited')
          log.push(`${ts.now()} exited ${n.path.join('/')} ${n.reason.kind}`);
        if (n.kind === 'exit') log.push(`${ts.now()} supervisor ${n.reason.kind}`);
      });
    ts.schedule(() => stop(root!), 3);
    ts.schedule(() => sub.unsubscribe(), 1000);
  });
  expect(log).toEqual(['10 exited stuck cancelled', '10 supervisor normal']);
  expect(liveActorCount()).toBe(before);
});

test('a supervisor waits for a slow child to stop before the next one is stopped', () => {
  const ts = newScheduler();
  const before = liveActorCount();
  const log: string[] = [];
  const at = (line: string): void => void log.push(`${ts.now()} ${line}`);
  const slow = genServer({
    init: (name: string) => name,
    terminate: (_r: ExitReason, name: string) => {
      at(`terminate ${name}`);
      return timer(3, ts);
    },
  });
  let root: Pid | undefined;
  of(
    child('a', () => slow.start('a')),
    child('b', () => slow.start('b')),
  )
    .pipe(oneForOne({ scheduler: ts }))
    .subscribe((n) => {
      if (n.kind === 'started') root = n.pid;
      if (n.kind === 'child-exited') at(`exited ${n.path.join('/')} ${n.reason.kind}`);
      if (n.kind === 'exit') at(`supervisor ${n.reason.kind}`);
    });
  stop(root!);
  ts.flush();
  expect(log).toEqual([
    '0 terminate b',
    '3 exited b cancelled',
    '3 terminate a',
    '6 exited a cancelled',
    '6 supervisor normal',
  ]);
  expect(liveActorCount()).toBe(before);
});

test('an operator that unsubscribes while the tree is still starting leaves nothing alive', () => {
  const before = liveActorCount();
  const log: string[] = [];
  const w = logged(log);
  const seen: string[] = [];
  of(counted('a', w), counted('b', w), counted('c', w))
    .pipe(oneForOne(), take(2))
    .subscribe((n) => seen.push(n.kind));
  expect(seen).toEqual(['started', 'child-started']);
  const inits = log.filter((l) => l.startsWith('init')).map((l) => l.slice(5));
  const terminates = log.filter((l) => l.startsWith('terminate')).map((l) => l.split(' ')[1]);
  expect(inits[0]).toBe('a#1');
  // Whatever was started is stopped again, last-started first.
  expect(terminates).toEqual([...inits].reverse());
  expect(liveActorCount()).toBe(before);
});

test('first() on a nested event tears the whole tree down', () => {
  const before = liveActorCount();
  const log: string[] = [];
  const w = logged(log);
  const seen: string[] = [];
  of(
    child('sub', () => of(counted('x', w), counted('y', w)).pipe(oneForOne())),
    counted('c', w),
  )
    .pipe(
      oneForOne(),
      first((n) => n.kind === 'child-started' && n.path.join('/') === 'sub/x'),
    )
    .subscribe((n) => seen.push(n.kind === 'child-started' ? n.path.join('/') : n.kind));
  expect(seen).toEqual(['sub/x']);
  const inits = log.filter((l) => l.startsWith('init')).map((l) => l.slice(5));
  const terminates = log.filter((l) => l.startsWith('terminate')).map((l) => l.split(' ')[1]);
  expect(terminates).toEqual([...inits].reverse());
  expect(liveActorCount()).toBe(before);
});

describe("a child's terminate that fails", () => {
  const reported = useUnhandledErrors();

  test("throwing during the root's teardown: siblings still stop and unsubscribe does not throw", () => {
    const oops = new Error('terminate bug');
    const log: string[] = [];
    const bad = genServer({
      init: () => 0,
      terminate: () => {
        throw oops;
      },
    });
    const good = genServer({
      init: (id: string) => id,
      terminate: (_r: ExitReason, id: string) => void log.push(id),
    });
    const sub = of(
      child('g1', () => good.start('g1')),
      child('bad', () => bad.start()),
      child('g2', () => good.start('g2')),
    )
      .pipe(oneForOne())
      .subscribe();
    expect(() => sub.unsubscribe()).not.toThrow();
    expect(log).toEqual(['g2', 'g1']);
    expect(reported().mock.calls).toEqual([[oops]]);
  });
});

describe("a crash of the supervisor's parent while children are mid-restart", () => {
  let before = 0;
  beforeEach(() => {
    before = liveActorCount();
  });
  afterEach(() => {
    expect(liveActorCount()).toBe(before);
  });

  test('during a child init in flight: everything below is torn down, nothing is left alive', () => {
    const ts = newScheduler();
    const log: string[] = [];
    let starts = 0;
    let out: ReturnType<typeof runTree> | undefined;
    ts.run(({ cold }) => {
      const slowInit = genServer({
        init: () =>
          timer(20).pipe(
            map(() => 1),
            finalize(() => log.push(`${ts.now()} init over`)),
          ),
        terminate: (reason: ExitReason) => void log.push(`${ts.now()} terminate ${reason.kind}`),
      });
      // w's first incarnation crashes at 5; its restart has a 20-frame init, in flight when the
      // root gives up at 10 because of 'bomb'.
      const w = child('w', () => (++starts === 1 ? cold('-----#') : slowInit.start()));
      out = runTree(
        ts,
        of(
          child('sub', () => of(w).pipe(oneForOne())),
          child('bomb', () => cold('----------#')),
        ).pipe(oneForOne({ intensity: 0 })),
        500,
      );
    });
    expect(starts).toBe(2);
    const { all } = out!;
    expect(all.at(-1)?.kind).toBe('exit');
    const reason = reasonOf(all.at(-1));
    expect(reason?.kind === 'error' && reason.error).toBeInstanceOf(MaxRestartsExceededError);
    // The restarted w never reports started to the tree, and its init does not outlive the tree.
    expect(out!.log.filter((l) => l.includes('child-started sub/w'))).toEqual([
      '0 child-started sub/w#1',
    ]);
    expect(log.filter((l) => l.includes('init over'))).toHaveLength(1);
    // Every pid the tree reported is dead: exit$ answers at once.
    for (const n of all) {
      if (n.kind !== 'child-started') continue;
      const reasons: ExitReason[] = [];
      n.pid.exit$.subscribe((r) => reasons.push(r));
      expect(reasons).toHaveLength(1);
    }
  });

  test('during a backoff wait: the pending restart never happens', () => {
    const ts = newScheduler();
    let starts = 0;
    let out: ReturnType<typeof runTree> | undefined;
    const pids: Pid[] = [];
    const exits: string[] = [];
    ts.run(({ cold }) => {
      const w = child('w', () => {
        starts++;
        return cold('-----#');
      });
      out = runTree(
        ts,
        of(
          child('sub', () => of(w).pipe(oneForOne({ backoff: { min: 100, max: 100 } }))),
          child('bomb', () => cold('----------#')),
        ).pipe(oneForOne({ intensity: 0 })),
        500,
      );
      for (const n of out.all)
        if (n.kind === 'started' || n.kind === 'child-started') pids.push(n.pid);
      for (const pid of pids) pid.exit$.subscribe((r) => exits.push(`${ts.now()} ${r.kind}`));
    });
    expect(starts).toBe(1);
    expect(out!.log).toEqual([
      '0 started',
      '0 child-started sub#1',
      '0 child-started sub/w#1',
      '0 child-started bomb#1',
      '5 child-exited sub/w#1 error',
      '5 restart sub/w x1',
      '5 backoff sub/w 100',
      '10 child-exited bomb#1 error',
      '10 give-up ',
      '10 child-exited sub#1 cancelled',
      '10 exit error',
    ]);
    // root, sub, w, bomb: each exit seen once, none after the root's.
    expect(exits).toHaveLength(4);
    expect(exits.every((e) => Number(e.split(' ')[0]) <= 10)).toBe(true);
  });

  test('during a one_for_all restart waiting on a slow terminate: the set is not started again', () => {
    const ts = newScheduler();
    let crashyStarts = 0;
    let out: ReturnType<typeof runTree> | undefined;
    ts.run(({ cold }) => {
      const slowStop = genServer({ init: () => 0, terminate: () => timer(50) });
      out = runTree(
        ts,
        of(
          child('sub', () =>
            of(
              child('slow', () => slowStop.start()),
              child('crashy', () => {
                crashyStarts++;
                return cold('-----#');
              }),
            ).pipe(oneForAll()),
          ),
        ).pipe(oneForOne()),
        500,
      );
      const root = (out.all[0] as { pid: Pid }).pid;
      ts.schedule(() => stop(root, { kind: 'error', error: new Error('parent crashed') }), 10);
    });
    expect(crashyStarts).toBe(1);
    expect(out!.log.slice(4)).toEqual([
      '5 child-exited sub/crashy#1 error',
      '5 restart sub/crashy x1',
      '55 child-exited sub/slow#1 cancelled',
      '55 child-exited sub#1 cancelled',
      '55 exit error',
    ]);
  });

  test('unsubscribing the root during a one_for_all restart: a terminate already running may finish within its shutdown', () => {
    const ts = newScheduler();
    const finished: string[] = [];
    let out: ReturnType<typeof runTree> | undefined;
    ts.run(({ cold }) => {
      const slowStop = genServer({
        init: () => 0,
        terminate: () => timer(50).pipe(finalize(() => finished.push(`${ts.now()} slow done`))),
      });
      out = runTree(
        ts,
        of(
          child('sub', () =>
            of(
              child('slow', () => slowStop.start()),
              child('crashy', () => cold('-----#')),
            ).pipe(oneForAll()),
          ),
        ).pipe(oneForOne()),
        10,
      );
    });
    expect(out!.log.at(-1)).toBe('5 restart sub/crashy x1');
    // docs/design.md, "Lifecycle": a terminate already running at teardown finishes within its shutdown. slow's
    // terminate began at 5 with the default 5000 ms shutdown, so it may run to its end at 55.
    expect(finished).toEqual(['55 slow done']);
  });
});

/** A worker that crashes on 'crash'. */
