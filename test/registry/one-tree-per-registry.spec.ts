import { Subject, repeat, type Subscription } from 'rxjs';
import {
  NoProcError,
  Registry,
  TreeRunningError,
  call,
  cast,
  child,
  genServer,
  oneForOne,
  supervise,
  via,
  type ChildSpec,
  type ExitReason,
  type SupervisorNotification,
  type Protocol,
} from '../../src/index.js';
import { useDeadLetters } from '../support.js';

const echo = genServer({
  init: (id: string) => id,
  handleCall: (_: 'id', _from, id: string) => ({ reply: id, state: id }),
});

let subscriptions: Subscription[] = [];
afterEach(() => {
  for (const s of subscriptions) s.unsubscribe();
  subscriptions = [];
});

/** Subscribes `tree`; `error()` is the error of its `exit`, if it has exited with one. */
function run(tree: ReturnType<typeof supervise>): {
  seen: SupervisorNotification[];
  error: () => unknown;
} {
  const seen: SupervisorNotification[] = [];
  subscriptions.push(tree.subscribe((n) => seen.push(n)));
  const error = (): unknown => {
    const exit = seen.find((n) => n.kind === 'exit') as { reason: ExitReason } | undefined;
    return exit?.reason.kind === 'error' ? exit.reason.error : undefined;
  };
  return { seen, error };
}

describe('one running copy of a tree per registry', () => {
  test('a second subscription fails at once with a TreeRunningError naming the running tree', async () => {
    const registry = new Registry();
    const tree = supervise([child('db', () => echo.start('db'), { name: 'db' })], {
      registry,
      name: 'app',
    });
    const first = run(tree);
    const second = run(tree);
    const error = second.error() as TreeRunningError;
    expect(error).toBeInstanceOf(TreeRunningError);
    expect(error.name).toBe('TreeRunningError');
    const running = first.seen[0]!.kind === 'started' ? String(first.seen[0]!.pid) : '';
    expect(error.running).toBe(running);
    expect(error.message).toContain(running);
    expect(error.names).toEqual(['db']);
    expect(error.message).toContain("'db'");
    // The second copy never started a child: no crash loop, and the first runs on.
    expect(second.seen.map((n) => n.kind)).toEqual(['exit']);
    expect(first.error()).toBeUndefined();
    expect(await call(via<Protocol>(registry, 'db'), 'id')).toBe('db');
  });

  test('the exit reason of the refused copy is that error', () => {
    const registry = new Registry();
    const tree = new Subject<ChildSpec>().pipe(oneForOne({ registry }));
    run(tree);
    const second = run(tree);
    const exit = second.seen.find((n) => n.kind === 'exit') as
      { kind: 'exit'; reason: ExitReason } | undefined;
    expect(exit?.reason.kind).toBe('error');
  });

  test('once the running copy is unsubscribed, the tree can run again', async () => {
    const registry = new Registry();
    const tree = supervise([child('db', () => echo.start('db'), { name: 'db' })], { registry });
    subscriptions.push(tree.subscribe()).valueOf();
    subscriptions.pop()!.unsubscribe();
    const again = run(tree);
    expect(again.error()).toBeUndefined();
    expect(await call(via<Protocol>(registry, 'db'), 'id')).toBe('db');
  });

  test('a copy that exited can be resubscribed at once (repeat)', () => {
    const registry = new Registry();
    let starts = 0;
    const failing = genServer({
      init: (): string => {
        starts++;
        if (starts === 1) throw new Error('first start fails');
        return 'ok';
      },
    });
    const tree = supervise([child('w', () => failing.start(undefined))], {
      registry,
      intensity: 0,
    });
    const { seen } = run(tree.pipe(repeat(2)));
    // The first copy gave up and exited; the second started and runs its child.
    expect(seen.filter((n) => n.kind === 'started')).toHaveLength(2);
    expect(seen.filter((n) => n.kind === 'exit')).toHaveLength(1);
    expect(starts).toBe(2);
  });

  test('two different trees may share a registry when their names differ', async () => {
    const registry = new Registry();
    run(supervise([child('a', () => echo.start('a'), { name: 'a' })], { registry }));
    const b = run(supervise([child('b', () => echo.start('b'), { name: 'b' })], { registry }));
    expect(b.error()).toBeUndefined();
    expect(await call(via<Protocol>(registry, 'b'), 'id')).toBe('b');
  });

  test('without a shared registry, copies run side by side', () => {
    const tree = supervise([child('a', () => echo.start('a'), { name: 'a' })]);
    run(tree);
    expect(run(tree).error()).toBeUndefined();
  });
});

describe('NoProcError for a name no supervisor has used', () => {
  const letters = useDeadLetters();

  test('a call says so, with the hint to subscribe the supervisor', async () => {
    const registry = new Registry();
    const error = (await call(via<Protocol>(registry, 'db'), 'id').catch(
      (e: unknown) => e,
    )) as NoProcError;
    expect(error).toBeInstanceOf(NoProcError);
    expect(error.neverSupervised).toBe(true);
    expect(error.message).toContain('is its supervisor subscribed?'.replace(/^i/, 'I'));
  });

  test('a name a supervisor used that is gone now gives the plain message', async () => {
    const registry = new Registry();
    const s = supervise(
      [child('db', () => echo.start('db'), { name: 'db', restart: 'temporary' })],
      {
        registry,
      },
    ).subscribe();
    s.unsubscribe();
    const error = (await call(via<Protocol>(registry, 'db'), 'id').catch(
      (e: unknown) => e,
    )) as NoProcError;
    expect(error.neverSupervised).toBe(false);
    expect(error.message).not.toContain('supervisor subscribed');
  });

  test('a cast to an unused name is a dead letter whose error carries the hint', () => {
    const registry = new Registry();
    cast(via<Protocol>(registry, 'nobody'), 'x');
    expect(letters()).toHaveLength(1);
    const reason = letters()[0]!.reason;
    expect(reason.kind === 'error' && (reason.error as NoProcError).neverSupervised).toBe(true);
  });
});
