import { of } from 'rxjs';
import {
  Registry,
  cast,
  child,
  genServer,
  oneForOne,
  terminateChild,
  whichChildren,
  type ChildSpec,
  type Pid,
  type SupervisorNotification,
  type SupervisorOptions,
} from '../../src/index.js';
import { liveActorCount } from '../../src/testing/index.js';

/** A worker that stops normally on 'stop' and crashes on 'crash'. */
const worker = genServer({
  init: () => 0,
  handleCast: (msg: 'stop' | 'crash', n: number, ctx) => {
    if (msg === 'crash') throw new Error('crash requested');
    ctx.stop();
    return n;
  },
});

const spec = (id: string, options: Omit<ChildSpec, 'id' | 'start'> = {}): ChildSpec =>
  child(id, () => worker.start(), options);

/** Starts a one_for_one tree and gives a readable log of what it emits. */
function tree(specs: ChildSpec[], options: SupervisorOptions) {
  const registry = new Registry();
  const log: string[] = [];
  let sup: Pid | undefined;
  const sub = of(...specs)
    .pipe(oneForOne({ registry, ...options }))
    .subscribe((n: SupervisorNotification) => {
      if (n.kind === 'started') sup = n.pid;
      else if (n.kind === 'exit') log.push(`exit ${n.reason.kind}`);
      else if (n.kind === 'child-exited') log.push(`${n.path.join('/')} ${n.reason.kind}`);
      else if (n.kind === 'child-started') log.push(`${n.path.join('/')} started#${n.incarnation}`);
      else log.push(`${n.kind} ${n.path.join('/')}`);
    });
  log.length = 0;
  return { registry, log, sup: sup!, end: () => sub.unsubscribe() };
}

let before = 0;
beforeEach(() => {
  before = liveActorCount();
});
afterEach(() => {
  expect(liveActorCount()).toBe(before);
});

test("any_significant: a significant transient child's normal exit ends the supervisor", () => {
  const t = tree([spec('w', { restart: 'permanent' }), spec('sig', { significant: true })], {
    autoShutdown: 'any_significant',
  });
  cast(t.registry.whereis('sig')!, 'stop');
  expect(t.log).toEqual(['sig normal', 'w cancelled', 'exit normal']);
  t.end();
});

test('any_significant: a significant transient child that crashes is restarted, not a shutdown', () => {
  const t = tree([spec('w'), spec('sig', { significant: true })], {
    autoShutdown: 'any_significant',
  });
  cast(t.registry.whereis('sig')!, 'crash');
  expect(t.log).toEqual(['sig error', 'restart sig', 'sig started#2']);
  t.end();
});

test('any_significant: a significant temporary child ends the supervisor even when it crashes', () => {
  const t = tree([spec('w'), spec('sig', { significant: true, restart: 'temporary' })], {
    autoShutdown: 'any_significant',
  });
  cast(t.registry.whereis('sig')!, 'crash');
  expect(t.log).toEqual(['sig error', 'child-removed sig', 'w cancelled', 'exit normal']);
  t.end();
});

test('any_significant: a non-significant child exiting changes nothing', async () => {
  const t = tree([spec('w'), spec('sig', { significant: true })], {
    autoShutdown: 'any_significant',
  });
  cast(t.registry.whereis('w')!, 'stop');
  expect(t.log).toEqual(['w normal']);
  expect((await whichChildren(t.sup)).map((c) => [c.id, c.status])).toEqual([
    ['w', 'terminated'],
    ['sig', 'running'],
  ]);
  t.end();
});

test('all_significant: the supervisor ends only when the last significant child has ended', async () => {
  const t = tree(
    [
      spec('w', { restart: 'permanent' }),
      spec('s1', { significant: true }),
      spec('s2', { significant: true, restart: 'temporary' }),
    ],
    { autoShutdown: 'all_significant' },
  );
  cast(t.registry.whereis('s1')!, 'stop');
  expect(t.log).toEqual(['s1 normal']);
  expect((await whichChildren(t.sup)).map((c) => [c.id, c.status])).toEqual([
    ['w', 'running'],
    ['s1', 'terminated'],
    ['s2', 'running'],
  ]);
  cast(t.registry.whereis('s2')!, 'stop');
  expect(t.log).toEqual([
    's1 normal',
    's2 normal',
    'child-removed s2',
    'w cancelled',
    'exit normal',
  ]);
  t.end();
});

test("never (the default): a significant child's exit does not end the supervisor", async () => {
  const t = tree([spec('w'), spec('sig', { significant: true })], {});
  cast(t.registry.whereis('sig')!, 'stop');
  expect(t.log).toEqual(['sig normal']);
  expect((await whichChildren(t.sup)).map((c) => c.status)).toEqual(['running', 'terminated']);
  t.end();
});

test('terminateChild on a significant child does not trigger auto shutdown (as in OTP)', async () => {
  const t = tree([spec('w'), spec('sig', { significant: true })], {
    autoShutdown: 'any_significant',
  });
  await terminateChild(t.sup, 'sig');
  expect(t.log).toEqual(['sig cancelled']);
  expect((await whichChildren(t.sup)).map((c) => c.status)).toEqual(['running', 'terminated']);
  t.end();
});
