/**
 * Bounded mailboxes (opt-in) and stopping an actor with a long queue.
 */
import { of } from 'rxjs';
import {
  ActorExitError,
  MailboxFullError,
  Registry,
  call,
  cast,
  child,
  deadLetters$,
  genServer,
  oneForOne,
  send,
  spawn,
  stop,
  via,
  type Pid,
  type Protocol,
} from '../../src/index.js';
import { exitOf, useDeadLetters } from '../support.js';

/** Takes casts and calls; a 'hold' cast keeps the mailbox busy until `release()`. */
let release: () => void = () => {};
const worker = genServer({
  init: () => [] as unknown[],
  handleCast: (m: unknown, seen: unknown[]): unknown[] | Promise<unknown[]> =>
    m === 'hold' ? new Promise<unknown[]>((done) => (release = () => done(seen))) : [...seen, m],
  handleCall: (m: unknown, _from, seen: unknown[]) => ({ reply: seen, state: [...seen, m] }),
  handleInfo: (m: unknown, seen: unknown[]) => [...seen, m],
});
afterEach(() => release());

/** A worker whose mailbox is busy: what is sent now is queued. */
function busy(options: Parameters<typeof worker.start>[1]): Pid {
  const pid = spawn(worker, undefined, options);
  cast(pid, 'hold');
  return pid;
}

describe('overflow: reject', () => {
  const letters = useDeadLetters();

  it('send and cast return false past the bound, and each refused message is a dead letter', () => {
    const pid = busy({ mailbox: { bound: 2, overflow: 'reject' } });
    expect([cast(pid, 1), send(pid, 2), cast(pid, 3), send(pid, 4)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(letters().map((d) => [d.kind, d.message])).toEqual([
      ['cast', 3],
      ['info', 4],
    ]);
    const reason = letters()[0]!.reason;
    expect(reason.kind === 'error' && reason.error).toBeInstanceOf(MailboxFullError);
    stop(pid);
  });

  it('a call to a full mailbox rejects at once with MailboxFullError naming the pid and the fix', async () => {
    const pid = busy({ mailbox: { bound: 1 } });
    cast(pid, 1);
    const error = await call(pid, 'q').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MailboxFullError);
    const full = error as MailboxFullError;
    expect(full).toMatchObject({ name: 'MailboxFullError', bound: 1, overflow: 'reject' });
    expect(full.message).toContain(String(pid));
    expect(full.message).toContain('mailbox: { bound }');
    expect(letters().map((d) => d.kind)).toEqual(['call']);
    stop(pid);
  });

  it('what was taken is handled in order once the actor is free', async () => {
    const pid = busy({ mailbox: { bound: 2 } });
    cast(pid, 'a');
    cast(pid, 'b');
    cast(pid, 'c');
    release();
    await Promise.resolve();
    expect(await call(pid, 'q')).toEqual(['a', 'b']);
    stop(pid);
  });

  it('a send through a name to a full mailbox returns false and is not held', () => {
    const registry = new Registry();
    const pid = busy({ mailbox: { bound: 1 }, name: 'w', registry });
    expect(cast(via<Protocol>(registry, 'w'), 1)).toBe(true);
    expect(cast(via<Protocol>(registry, 'w'), 2)).toBe(false);
    expect(letters().map((d) => [String(d.target), d.message])).toEqual([["via 'w'", 2]]);
    stop(pid);
  });

  it('so does a send through an address that has found the pid before (one dead letter)', () => {
    const registry = new Registry();
    const address = via<Protocol>(registry, 'w');
    const pid = spawn(worker, undefined, { mailbox: { bound: 1 }, name: 'w', registry });
    expect([cast(address, 'hold'), cast(address, 1), cast(address, 2)]).toEqual([
      true,
      true,
      false,
    ]);
    expect(letters().map((d) => [d.target, d.message])).toEqual([[address, 2]]);
    stop(pid);
  });
});

describe('overflow: drop-oldest', () => {
  const letters = useDeadLetters();

  it('the oldest queued message becomes a dead letter; the new one is taken', async () => {
    const pid = busy({ mailbox: { bound: 2, overflow: 'drop-oldest' } });
    expect([cast(pid, 1), cast(pid, 2), cast(pid, 3)]).toEqual([true, true, true]);
    expect(letters().map((d) => d.message)).toEqual([1]);
    release();
    await Promise.resolve();
    expect(await call(pid, 'q')).toEqual([2, 3]);
    stop(pid);
  });

  it('a dropped call is rejected with MailboxFullError', async () => {
    const pid = busy({ mailbox: { bound: 1, overflow: 'drop-oldest' } });
    const dropped = call(pid, 'first').catch((e: unknown) => e);
    cast(pid, 'second');
    expect(await dropped).toBeInstanceOf(MailboxFullError);
    stop(pid);
  });
});

describe('mailbox on child specs', () => {
  const letters = useDeadLetters();

  it('bounds each incarnation of a supervised child', () => {
    const registry = new Registry();
    const subscription = of(child('w', () => worker.start(undefined), { mailbox: { bound: 1 } }))
      .pipe(oneForOne({ registry }))
      .subscribe();
    const w = via<Protocol>(registry, 'w');
    cast(w, 'hold');
    expect([cast(w, 1), cast(w, 2)]).toEqual([true, false]);
    expect(letters().map((d) => d.message)).toEqual([2]);
    subscription.unsubscribe();
  });

  it('refuses a bad mailbox option, naming the field', () => {
    expect(() => child('w', () => worker.start(undefined), { mailbox: { bound: 0 } })).toThrow(
      /child: Invalid mailbox of child 'w': .*bound must be a whole number of messages >= 1/,
    );
    expect(() =>
      spawn(worker, undefined, { mailbox: { bound: 2, overflow: 'drop' as never } }),
    ).toThrow(/^spawn: mailbox\.overflow must be 'reject' or 'drop-oldest', got 'drop'\.$/);
  });
});

describe('stopping a long queue', () => {
  const N = 1_000_000;

  /** An actor holding N queued casts with three calls among them, stopped; the gate is still shut. */
  function stoppedWithLongQueue(): { pid: Pid; calls: Promise<unknown>[] } {
    const pid = busy(undefined);
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < N; i++) {
      if (i % 333_333 === 1)
        calls.push(call(pid, i, { timeout: Infinity }).catch((e: unknown) => e));
      else cast(pid, i);
    }
    expect(stop(pid)).toBe(true);
    return { pid, calls };
  }

  it('with a dead-letter subscriber: the exit comes first, letters follow in chunks across macrotasks', async () => {
    let count = 0;
    const subscription = deadLetters$.subscribe(() => count++);
    const { pid, calls } = stoppedWithLongQueue();
    let countWhenTimerFired = -1;
    setTimeout(() => (countWhenTimerFired = count), 0);
    release(); // the held handler settles; the stop follows at that message boundary
    await Promise.resolve();
    await Promise.resolve();
    expect(exitOf(pid)).toEqual({ kind: 'normal' });
    for (const c of await Promise.all(calls)) expect(c).toBeInstanceOf(ActorExitError);
    while (count < N) await new Promise((done) => setTimeout(done, 0));
    expect(count).toBe(N);
    // The timer set before the exit ran while the letters were still coming.
    expect(countWhenTimerFired).toBeGreaterThan(0);
    expect(countWhenTimerFired).toBeLessThan(N);
    subscription.unsubscribe();
  });

  it('with no subscriber: casts are dropped in bulk, calls still rejected, a timer runs meanwhile', async () => {
    const { pid, calls } = stoppedWithLongQueue();
    const order: string[] = [];
    setTimeout(() => order.push('timer'), 0);
    release();
    const settled = Promise.all(calls).then((all) => {
      order.push('calls settled');
      return all;
    });
    for (const c of await settled) expect(c).toBeInstanceOf(ActorExitError);
    expect(exitOf(pid)).toEqual({ kind: 'normal' });
    expect(order).toEqual(['timer', 'calls settled']);
  });
});
