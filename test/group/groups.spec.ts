// Process groups (Erlang's :pg): docs/design.md, "Process groups".
import type { Subscription } from 'rxjs';
import {
  GroupScope,
  broadcast,
  genServer,
  join,
  leave,
  members$,
  spawn,
  stop,
  type Pid,
} from '../../src/index.js';
import { useDeadLetters } from '../support.js';

const deadLetters = useDeadLetters();

/** Logs each info message it gets as `<id> <message>`. */
const member = (log: string[]) =>
  genServer({
    init: () => 0,
    handleInfo: (msg: string, n, ctx) => (log.push(`${ctx.self.id} ${msg}`), n),
  });

/** Every list `members$` emits, as arrays of pids. */
function watch(group: string, scope?: GroupScope): { seen: (readonly Pid[])[]; sub: Subscription } {
  const seen: (readonly Pid[])[] = [];
  const sub = members$(group, scope).subscribe((m) => seen.push(m));
  return { seen, sub };
}

let scope: GroupScope;
beforeEach(() => (scope = new GroupScope()));

describe('process groups', () => {
  test('members$ emits the current members at once, then on each join and leave, in join order', () => {
    const a = spawn(member([]), undefined);
    const b = spawn(member([]), undefined);
    join('g', a, scope);
    const { seen, sub } = watch('g', scope);
    expect(join('g', b, scope)).toBe(true);
    expect(leave('g', a, scope)).toBe(true);
    expect(seen).toEqual([[a], [a, b], [b]]);
    expect(Object.isFrozen(seen[0])).toBe(true);
    sub.unsubscribe();
  });

  test('an empty group emits [] at once', () => {
    const { seen } = watch('nobody', scope);
    expect(seen).toEqual([[]]);
  });

  test('joining twice changes nothing; leaving a non-member gives false', () => {
    const a = spawn(member([]), undefined);
    const { seen } = watch('g', scope);
    expect(join('g', a, scope)).toBe(true);
    expect(join('g', a, scope)).toBe(false);
    expect(leave('other', a, scope)).toBe(false);
    expect(seen).toEqual([[], [a]]);
  });

  test('a member is removed from every group when it exits', () => {
    const a = spawn(member([]), undefined);
    const b = spawn(member([]), undefined);
    join('g', a, scope);
    join('h', a, scope);
    join('g', b, scope);
    const g = watch('g', scope);
    const h = watch('h', scope);
    stop(a, { kind: 'error', error: new Error('gone') });
    expect(g.seen).toEqual([[a, b], [b]]);
    expect(h.seen).toEqual([[a], []]);
  });

  test('a pid that has already exited does not join', () => {
    const a = spawn(member([]), undefined);
    stop(a);
    expect(join('g', a, scope)).toBe(false);
    expect(watch('g', scope).seen).toEqual([[]]);
  });

  test('broadcast sends to each member now, in join order, and counts them', () => {
    const log: string[] = [];
    const a = spawn(member(log), undefined);
    const b = spawn(member(log), undefined);
    join('g', b, scope);
    join('g', a, scope);
    expect(broadcast('g', 'hi', scope)).toBe(2);
    expect(log).toEqual([`${b.id} hi`, `${a.id} hi`]);
    expect(broadcast('empty', 'hi', scope)).toBe(0);
  });

  test('scopes are apart: the default scope does not see a scope’s members', () => {
    const a = spawn(member([]), undefined);
    join('shared-name', a, scope);
    expect(watch('shared-name').seen).toEqual([[]]);
    expect(watch('shared-name', scope).seen).toEqual([[a]]);
    join('shared-name', a);
    expect(broadcast('shared-name', 'x')).toBe(1);
    leave('shared-name', a);
  });

  test('the default scope works without a scope argument, and cleans up on exit', () => {
    const log: string[] = [];
    const a = spawn(member(log), undefined);
    join('default-g', a);
    const { seen, sub } = watch('default-g');
    expect(broadcast('default-g', 'ping')).toBe(1);
    stop(a);
    expect(seen).toEqual([[a], []]);
    expect(log).toEqual([`${a.id} ping`]);
    sub.unsubscribe();
  });

  test('a member watcher that sends to a member in its callback gets no re-entrant handling', () => {
    const log: string[] = [];
    const a = spawn(member(log), undefined);
    const sub = members$('g', scope).subscribe((pids) => {
      if (pids.length > 0) broadcast('g', `seen ${pids.length}`, scope);
      log.push(`emitted ${pids.length}`);
    });
    join('g', a, scope);
    expect(log).toEqual(['emitted 0', 'emitted 1', `${a.id} seen 1`]);
    sub.unsubscribe();
  });

  test('a broadcast to a member that exited meanwhile is not possible: exits leave at once', () => {
    const a = spawn(member([]), undefined);
    join('g', a, scope);
    stop(a);
    expect(broadcast('g', 'late', scope)).toBe(0);
    expect(deadLetters()).toEqual([]);
  });

  test.each([
    ['join', () => join(42 as unknown as string, spawn(member([]), undefined))],
    ['leave', () => leave(null as unknown as string, spawn(member([]), undefined))],
    ['members$', () => members$({} as unknown as string)],
    ['broadcast', () => broadcast(undefined as unknown as string, 'x')],
  ])('%s: a group that is not a string is a TypeError naming the function', (fn, run) => {
    expect(run).toThrow(new RegExp(`^${fn.replace('$', '\\$')}: group must be a string`));
  });

  test('bad input: a pid that is not a Pid, a scope that is not a GroupScope', () => {
    expect(() => join('g', 'pid' as unknown as Pid)).toThrow(
      new TypeError("join: pid must be a Pid (look a name up with registry.whereis), got 'pid'."),
    );
    const a = spawn(member([]), undefined);
    expect(() => join('g', a, {} as GroupScope)).toThrow(
      new TypeError('join: scope must be a GroupScope (new GroupScope()) or left out, got Object.'),
    );
    expect(watch('g').seen).toEqual([[]]);
  });
});
