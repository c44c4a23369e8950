import { Subject } from 'rxjs';
import {
  Registry,
  call,
  cast,
  genServer,
  send,
  spawn,
  stop,
  type CallRef,
  type ExitReason,
  type Pid,
} from '../../src/index.js';
import { liveActorCount } from '../../src/testing/index.js';

/** Every exit$ emission and completion of `pid`, recorded from now on. */
function watchExit(pid: Pid): (ExitReason | 'complete')[] {
  const seen: (ExitReason | 'complete')[] = [];
  pid.exit$.subscribe({ next: (r) => seen.push(r), complete: () => seen.push('complete') });
  return seen;
}

const idle = genServer({ init: () => 0 });

describe('spawn', () => {
  test('returns the pid of a running incarnation, with a unique id', async () => {
    const def = genServer({
      init: (n: number) => n,
      handleCall: (_: 'get', _from: CallRef<number>, n: number) => ({ reply: n, state: n }),
    });
    const a = spawn(def, 1);
    const b = spawn(def, 2);
    expect(typeof a.id).toBe('number');
    expect(a.id).not.toBe(b.id);
    expect(await call(a, 'get')).toBe(1);
    expect(await call(b, 'get')).toBe(2);
  });

  test('runs a synchronous init before it returns', () => {
    const init = jest.fn(() => 0);
    spawn(genServer({ init }), undefined);
    expect(init).toHaveBeenCalledTimes(1);
  });

  test('labels the pid with the name it was started under', () => {
    const registry = new Registry();
    const named = spawn(idle, undefined, { name: 'worker', registry });
    expect(named.name).toBe('worker');
    expect(String(named)).toContain('worker');
    expect(spawn(idle, undefined).name).toBeUndefined();
  });
});

describe('pid.exit$', () => {
  test('emits the exit reason once, then completes', () => {
    const pid = spawn(idle, undefined);
    const seen = watchExit(pid);
    expect(seen).toEqual([]);
    stop(pid);
    expect(seen).toEqual([{ kind: 'normal' }, 'complete']);
  });

  test('tells every subscriber', () => {
    const pid = spawn(idle, undefined);
    const first = watchExit(pid);
    const second = watchExit(pid);
    stop(pid, { kind: 'cancelled' });
    expect(first).toEqual([{ kind: 'cancelled' }, 'complete']);
    expect(second).toEqual([{ kind: 'cancelled' }, 'complete']);
  });

  test('emits at once, during subscribe, for a pid that has already exited', () => {
    const boom = new Error('boom');
    const pid = spawn(idle, undefined);
    stop(pid, { kind: 'error', error: boom });
    expect(watchExit(pid)).toEqual([{ kind: 'error', error: boom }, 'complete']);
    expect(watchExit(pid)).toEqual([{ kind: 'error', error: boom }, 'complete']);
  });

  test('a subscriber that unsubscribes before the exit is told nothing', () => {
    const pid = spawn(idle, undefined);
    const seen: ExitReason[] = [];
    pid.exit$.subscribe((r) => seen.push(r)).unsubscribe();
    stop(pid);
    expect(seen).toEqual([]);
  });
});

describe('a spawn made inside a handler', () => {
  /** A parent that spawns one child per name it is sent, logging every terminate. */
  function family(log: string[]) {
    const kid = genServer({
      init: (name: string) => name,
      handleInfo: (childName: string, name: string) => {
        spawn(kid, `${name}/${childName}`);
        return name;
      },
      terminate: (reason, name: string) => {
        log.push(`${name} ${reason.kind}`);
      },
    });
    return kid;
  }

  test('ends with its parent: the child exits cancelled when the parent stops', () => {
    const kids: Pid[] = [];
    const recorder = genServer({
      init: () => 0,
      handleInfo: (_: 'spawn', n: number) => {
        kids.push(spawn(idle, undefined));
        return n;
      },
    });
    const owner = spawn(recorder, undefined);
    send(owner, 'spawn');
    const seen = watchExit(kids[0]!);
    stop(owner);
    expect(seen).toEqual([{ kind: 'cancelled' }, 'complete']);
  });

  test("children end in reverse start order, deepest first, before the parent's own terminate", () => {
    const log: string[] = [];
    const parent = spawn(family(log), 'p');
    send(parent, 'a');
    send(parent, 'b');
    stop(parent);
    expect(log).toEqual(['p/b cancelled', 'p/a cancelled', 'p normal']);
  });

  test('grandchildren end before their parents', () => {
    const log: string[] = [];
    const def = genServer({
      init: (depth: number) => {
        if (depth > 0) spawn(def, depth - 1);
        return depth;
      },
      terminate: (reason, depth: number) => {
        log.push(`${depth} ${reason.kind}`);
      },
    });
    const root = spawn(def, 3);
    stop(root, { kind: 'error', error: new Error('root') });
    // A crash reaches each child through its link (docs/design.md, "Links and trapping exits").
    expect(log).toEqual(['0 error', '1 error', '2 error', '3 error']);
  });

  test('children end when the parent crashes', () => {
    const kids: Pid[] = [];
    const def = genServer({
      init: () => {
        kids.push(spawn(idle, undefined));
        return 0;
      },
      handleCast: (_: 'crash', _n: number): number => {
        throw new Error('crash');
      },
    });
    const parent = spawn(def, undefined);
    const seen = watchExit(kids[0]!);
    cast(parent, 'crash');
    // Through the link: an error naming the parent (docs/design.md, "Links and trapping exits").
    expect(seen).toEqual([
      {
        kind: 'error',
        error: expect.objectContaining({
          name: 'LinkedExitError',
          linked: String(parent),
        }) as unknown,
      },
      'complete',
    ]);
  });

  test("children end when the parent's lifecycle stream is unsubscribed", () => {
    const kids: Pid[] = [];
    const def = genServer({
      init: () => {
        kids.push(spawn(idle, undefined), spawn(idle, undefined));
        return 0;
      },
    });
    const before = liveActorCount();
    const subscription = def.start(undefined).subscribe();
    expect(liveActorCount()).toBe(before + 3);
    const seen = kids.map(watchExit);
    subscription.unsubscribe();
    expect(seen).toEqual([
      [{ kind: 'cancelled' }, 'complete'],
      [{ kind: 'cancelled' }, 'complete'],
    ]);
    expect(liveActorCount()).toBe(before);
  });

  test('a child that exits first leaves its parent running', () => {
    const kids: Pid[] = [];
    const def = genServer({
      init: () => {
        kids.push(spawn(idle, undefined));
        return 0;
      },
      handleCall: (_: 'ping', _from: CallRef<string>, n: number) => ({ reply: 'pong', state: n }),
    });
    const parent = spawn(def, undefined);
    const seen = watchExit(kids[0]!);
    stop(kids[0]!);
    expect(seen).toEqual([{ kind: 'normal' }, 'complete']);
    expect(watchExit(parent)).toEqual([]);
    stop(parent);
    expect(seen).toEqual([{ kind: 'normal' }, 'complete']);
  });

  test('a spawn made inside an async handler, before it returns, is a child too', () => {
    const kids: Pid[] = [];
    const gate = new Subject<number>();
    const def = genServer({
      init: () => 0,
      handleInfo: (_: 'go', _n: number) => {
        kids.push(spawn(idle, undefined));
        return gate;
      },
    });
    const parent = spawn(def, undefined);
    send(parent, 'go');
    const seen = watchExit(kids[0]!);
    stop(parent);
    gate.next(1);
    gate.complete();
    expect(seen).toEqual([{ kind: 'cancelled' }, 'complete']);
  });

  test('a spawn made inside terminate ends with the incarnation too: no orphan', () => {
    const kids: Pid[] = [];
    const def = genServer({
      init: () => 0,
      terminate: () => {
        kids.push(spawn(idle, undefined));
      },
    });
    const before = liveActorCount();
    const parent = spawn(def, undefined);
    stop(parent);
    expect(kids).toHaveLength(1);
    expect(watchExit(kids[0]!)).toEqual([{ kind: 'cancelled' }, 'complete']);
    expect(liveActorCount()).toBe(before);
  });
});

describe('a spawn made outside any handler', () => {
  test('belongs to no actor: stopping another actor leaves it running', () => {
    const other = spawn(idle, undefined);
    const free = spawn(idle, undefined);
    const seen = watchExit(free);
    stop(other);
    expect(seen).toEqual([]);
    stop(free);
    expect(seen).toEqual([{ kind: 'normal' }, 'complete']);
  });
});
