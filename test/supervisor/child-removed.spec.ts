/**
 * What a watcher needs to follow a tree without asking it anything:
 * `child-removed` when a spec is gone, and `childrenOf`, a synchronous read
 * of a supervisor's children.
 */
import { EMPTY, NEVER, of, type Subscription } from 'rxjs';
import {
  childrenOf,
  child,
  deleteChild,
  oneForOne,
  spawn,
  genServer,
  stop,
  terminateChild,
  via,
  whichChildren,
  type ChildSpec,
  type Pid,
  type Registry,
  type SupervisorNotification,
} from '../../src/index.js';

const subscriptions: Subscription[] = [];
afterEach(() => subscriptions.splice(0).forEach((s) => s.unsubscribe()));

function run(...specs: ChildSpec[]): {
  log: string[];
  sup: Pid;
  registry: Registry;
} {
  const log: string[] = [];
  let sup: Pid | undefined;
  let registry: Registry | undefined;
  subscriptions.push(
    of(...specs)
      .pipe(oneForOne())
      .subscribe((n: SupervisorNotification) => {
        if (n.kind === 'started') [sup, registry] = [n.pid, n.registry];
        else if (n.kind !== 'exit') log.push(`${n.kind} ${n.path.join('/')}`);
      }),
  );
  return { log, sup: sup!, registry: registry! };
}

describe('child-removed', () => {
  it('follows the exit of a temporary child, whose spec is dropped', () => {
    const { log } = run(child('t', () => EMPTY, { restart: 'temporary' }));
    expect(log).toEqual(['child-started t', 'child-exited t', 'child-removed t']);
  });

  it('follows deleteChild, and never a transient child that is only down', async () => {
    const { log, sup } = run(child('w', () => NEVER));
    await terminateChild(sup, 'w');
    expect(log).toEqual(['child-started w', 'child-exited w']);
    await deleteChild(sup, 'w');
    expect(log).toEqual(['child-started w', 'child-exited w', 'child-removed w']);
  });
});

describe('childrenOf', () => {
  it('reads what whichChildren answers, synchronously, by pid or via', async () => {
    const { sup, registry } = run(
      child('a', () => NEVER),
      child('b', () => NEVER),
    );
    const now = childrenOf(sup);
    expect(now?.map((c) => [c.id, c.status])).toEqual([
      ['a', 'running'],
      ['b', 'running'],
    ]);
    expect(now).toEqual(await whichChildren(sup));
    expect(childrenOf(via(registry, 'a'))).toBeUndefined(); // a plain child, not a supervisor
  });

  it('gives undefined for a worker, a dead supervisor or a name held by nothing', () => {
    const { sup, registry } = run(child('a', () => NEVER));
    const worker = spawn(genServer({ init: () => 0 }), undefined);
    expect(childrenOf(worker)).toBeUndefined();
    expect(childrenOf(via(registry, 'nobody'))).toBeUndefined();
    stop(worker);
    stop(sup);
    expect(childrenOf(sup)).toBeUndefined();
  });

  it('throws a TypeError naming childrenOf for what is not an address', () => {
    expect(() => childrenOf('sup' as never)).toThrow(
      /^childrenOf: supervisor must be a Pid or a via\(registry, name\) address, got 'sup'\.$/,
    );
  });
});
