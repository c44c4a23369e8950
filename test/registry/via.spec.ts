import { TestScheduler } from 'rxjs/testing';
import {
  NoProcError,
  Registry,
  call,
  call$,
  cast,
  genServer,
  published$,
  send,
  spawn,
  state$,
  stop,
  via,
  type CallRef,
  type Protocol,
} from '../../src/index.js';
import { exitOf, useDeadLetters } from '../support.js';

/** Remembers who it is and what it got. */
function named(log: string[]) {
  return genServer({
    init: (label: string) => label,
    handleInfo: (msg: string, label: string) => {
      log.push(`${label} info ${msg}`);
      return label;
    },
    handleCast: (req: string, label: string, ctx) => {
      log.push(`${label} cast ${req}`);
      ctx.publish(`${label}:${req}`);
      return label;
    },
    handleCall: (_req: 'who', _from: CallRef<string>, label: string) => ({
      reply: label,
      state: label,
    }),
  });
}

/** Two actors, A and B, logging into one log, and a via of `svc`, which A holds. */
function aHoldsSvc() {
  const log: string[] = [];
  const registry = new Registry();
  const a = spawn(named(log), 'A');
  const b = spawn(named(log), 'B');
  const address = via<Protocol>(registry, 'svc');
  registry.register('svc', a);
  return { log, registry, a, b, address };
}

test('resolves the name at each send: re-register it and the next send follows', () => {
  const { log, registry, a, b, address } = aHoldsSvc();
  send(address, '1');
  registry.unregister('svc', a);
  registry.register('svc', b);
  send(address, '2');
  cast(address, '3');
  expect(log).toEqual(['A info 1', 'B info 2', 'B cast 3']);
});

describe('cast through a via it has sent through before', () => {
  const letters = useDeadLetters();

  // A via keeps the pid its last send found until the registry changes
  // (BENCHMARKS.md, case 7): each change below must still be seen by the next cast.
  it('follows an unregister, a new holder and the holder\'s exit (docs/design.md, "Messages and names")', () => {
    const { log, registry, a, b, address } = aHoldsSvc();
    expect([cast(address, '1'), cast(address, '2')]).toEqual([true, true]);
    registry.unregister('svc', a);
    expect(cast(address, '3')).toBe(false);
    registry.register('svc', b);
    expect(cast(address, '4')).toBe(true);
    stop(b);
    expect(cast(address, '5')).toBe(false);
    expect(log).toEqual(['A cast 1', 'A cast 2', 'B cast 4']);
    expect(letters().map((d) => [d.target, d.message])).toEqual([
      [address, '3'],
      [address, '5'],
    ]);
    stop(a);
  });
});

test('follows the name from an exited pid to its successor', async () => {
  const registry = new Registry();
  const address = via<Protocol>(registry, 'svc');
  const first = spawn(named([]), 'first', { name: 'svc', registry });
  expect(await call(address, 'who')).toBe('first');
  stop(first);
  spawn(named([]), 'second', { name: 'svc', registry });
  expect(await call(address, 'who')).toBe('second');
});

test('an address made before the name exists works once it is registered', () => {
  const log: string[] = [];
  const registry = new Registry();
  const address = via<Protocol>(registry, 'later');
  expect(send(address, 'early')).toBe(false);
  registry.register('later', spawn(named(log), 'L'));
  expect(send(address, 'now')).toBe(true);
  expect(log).toEqual(['L info now']);
});

test('a call through an unregistered name rejects at once with NoProcError', async () => {
  const registry = new Registry();
  const frozen = new TestScheduler((a, b) => expect(a).toEqual(b));
  const error: unknown = await call(via<Protocol>(registry, 'svc'), 'who', {
    scheduler: frozen,
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NoProcError);
  expect((error as NoProcError).target).toContain('svc');
});

test('a call through a name whose pid has exited rejects at once with NoProcError', () => {
  const registry = new Registry();
  const pid = spawn(named([]), 'gone', { name: 'svc', registry });
  stop(pid);
  let error: unknown;
  call$(via<Protocol>(registry, 'svc'), 'who').subscribe({ error: (e: unknown) => (error = e) });
  expect(error).toBeInstanceOf(NoProcError);
});

test('stop through via stops the current holder', () => {
  const registry = new Registry();
  const pid = spawn(named([]), 'x', { name: 'svc', registry });
  expect(stop(via(registry, 'svc'), { kind: 'cancelled' })).toBe(true);
  expect(exitOf(pid)).toEqual({ kind: 'cancelled' });
  expect(stop(via(registry, 'svc'))).toBe(false);
});

test('a name in one registry is not seen through another', () => {
  const log: string[] = [];
  const mine = new Registry();
  const yours = new Registry();
  mine.register('svc', spawn(named(log), 'mine'));
  expect(send(via<Protocol>(yours, 'svc'), 'hello')).toBe(false);
  expect(send(via<Protocol>(mine, 'svc'), 'hello')).toBe(true);
  expect(log).toEqual(['mine info hello']);
});

test('state$ and published$ through via follow the name to the next holder', () => {
  const registry = new Registry();
  const address = via<{ cast: string; state: string; published: string }>(registry, 'svc');
  const states: string[] = [];
  const published: string[] = [];
  state$(address).subscribe((s) => states.push(s));
  published$(address).subscribe((p) => published.push(p));
  const first = spawn(named([]), 'one', { name: 'svc', registry });
  cast(address, 'a');
  stop(first);
  spawn(named([]), 'two', { name: 'svc', registry });
  cast(address, 'b');
  expect(states).toEqual(['one', 'two']);
  expect(published).toEqual(['one:a', 'two:b']);
});

test('via keeps its registry and name', () => {
  const registry = new Registry();
  const address = via<Protocol>(registry, 'svc');
  expect(address.registry).toBe(registry);
  expect(address.name).toBe('svc');
  expect(String(address)).toContain('svc');
});
