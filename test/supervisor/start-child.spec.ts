import { Subject, type Subscription } from 'rxjs';
import {
  ActorExitError,
  ChildSpecError,
  Registry,
  call,
  child,
  genServer,
  oneForOne,
  startChild,
  via,
  whichChildren,
  type ChildSpec,
  type Pid,
  type SupervisorNotification,
} from '../../src/index.js';

const echo = genServer({
  init: (id: string) => id,
  handleCall: (_: 'id', _from, id: string) => ({ reply: id, state: id }),
});

let subscriptions: Subscription[] = [];
afterEach(() => {
  for (const s of subscriptions) s.unsubscribe();
  subscriptions = [];
});

/** A running supervisor over a Subject source, and what it emitted. */
function tree(options: { maxChildren?: number; registry?: Registry } = {}): {
  pid: Pid;
  seen: SupervisorNotification[];
} {
  const seen: SupervisorNotification[] = [];
  let pid: Pid | undefined;
  subscriptions.push(
    new Subject<ChildSpec>().pipe(oneForOne(options)).subscribe((n) => {
      seen.push(n);
      if (n.kind === 'started' && pid === undefined) pid = n.pid;
    }),
  );
  return { pid: pid!, seen };
}

const failure = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );

describe('startChild', () => {
  test('starts the child and resolves with its pid', async () => {
    const { pid: sup, seen } = tree();
    const pid = await startChild(
      sup,
      child('a', () => echo.start('a')),
    );
    expect(await call(pid, 'id')).toBe('a');
    expect((await whichChildren(sup)).map((c) => [c.id, c.pid])).toEqual([['a', pid]]);
    expect(seen.some((n) => n.kind === 'child-started')).toBe(true);
  });

  test('works through a via name', async () => {
    const registry = new Registry();
    const { pid: sup } = tree();
    registry.register('sup', sup);
    const pid = await startChild(
      via(registry, 'sup'),
      child('b', () => echo.start('b')),
    );
    expect(await call(pid, 'id')).toBe('b');
  });

  test('a duplicate id rejects with a ChildSpecError naming the id; the running child is kept', async () => {
    const { pid: sup } = tree();
    const first = await startChild(
      sup,
      child('a', () => echo.start('a')),
    );
    const error = (await failure(
      startChild(
        sup,
        child('a', () => echo.start('other')),
      ),
    )) as ChildSpecError;
    expect(error).toBeInstanceOf(ChildSpecError);
    expect(error.childId).toBe('a');
    expect(await call(first, 'id')).toBe('a');
  });

  test('maxChildren reached rejects with a ChildSpecError naming maxChildren', async () => {
    const { pid: sup } = tree({ maxChildren: 1 });
    await startChild(
      sup,
      child('a', () => echo.start('a')),
    );
    const error = (await failure(
      startChild(
        sup,
        child('b', () => echo.start('b')),
      ),
    )) as ChildSpecError;
    expect(error).toBeInstanceOf(ChildSpecError);
    expect(error.field).toBe('maxChildren');
    expect((await whichChildren(sup)).map((c) => c.id)).toEqual(['a']);
  });

  test('a malformed spec throws a ChildSpecError naming startChild before anything is sent', () => {
    const { pid: sup } = tree();
    expect(() => startChild(sup, { id: '' } as never)).toThrow(ChildSpecError);
    expect(() => startChild(sup, { id: '' } as never)).toThrow(/startChild/);
  });

  test('a start that fails rejects with ActorExitError carrying the reason', async () => {
    const { pid: sup } = tree();
    const boom = new Error('boom');
    const failing = genServer({
      init: (): string => {
        throw boom;
      },
    });
    const error = (await failure(
      startChild(
        sup,
        child('c', () => failing.start(undefined), { restart: 'temporary' }),
      ),
    )) as ActorExitError;
    expect(error).toBeInstanceOf(ActorExitError);
    expect(error.reason).toEqual({ kind: 'error', error: boom });
  });

  test('waits for an init that takes a while', async () => {
    const slow = genServer({
      init: () => new Promise<string>((resolve) => setTimeout(() => resolve('slow'), 1)),
      handleCall: (_: 'id', _from, s: string) => ({ reply: s, state: s }),
    });
    const { pid: sup } = tree();
    const pid = await startChild(
      sup,
      child('s', () => slow.start(undefined)),
    );
    expect(await call(pid, 'id', { timeout: Infinity })).toBe('slow');
  });

  test('a child whose init never settles keeps the call pending, not failed', async () => {
    const { pid: sup } = tree();
    let settled = false;
    const stuck = genServer({ init: () => new Promise<string>(() => undefined) });
    void startChild(
      sup,
      child('n', () => stuck.start(undefined)),
    ).then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false);
  });
});
