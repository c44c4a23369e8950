import { Subject, type Subscription } from 'rxjs';
import {
  ActorExitError,
  NoProcError,
  Registry,
  call,
  call$,
  cast,
  deadLetters$,
  formatExit,
  genServer,
  send,
  spawn,
  stop,
  via,
  type CallRef,
  type DeadLetter,
  type ExitReason,
  type Protocol,
} from '../../src/index.js';
import { exitOf } from '../support.js';

let letters: DeadLetter[];
let subscription: Subscription;
beforeEach(() => {
  letters = [];
  subscription = deadLetters$.subscribe((letter) => letters.push(letter));
});
afterEach(() => subscription.unsubscribe());

/** An actor whose handleInfo runs the job it is sent: sends made in the job are queued. */
const runner = genServer({
  init: () => null,
  handleInfo: (job: () => void, state: null) => {
    job();
    return state;
  },
});

/** Runs `job` inside an actor's handler, where every send it makes is queued. */
function insideHandler(job: () => void): void {
  const pid = spawn(runner, undefined);
  send(pid, job);
  stop(pid);
}

/** A dead letter as one line, so a failing assertion prints something readable. */
const summary = ({ target, kind, message, reason }: DeadLetter): string =>
  `${kind} ${JSON.stringify(message)?.replace(/"/g, "'")} to ${String(target)} (${formatExit(reason)})`;

/**
 * Logs what it handles. Info 'crash' throws; info 'slow' waits for `gate`;
 * calls are answered with the request.
 */
function target(handled: string[], gate = new Subject<number>()) {
  return genServer({
    init: () => 0,
    handleInfo: (msg: string, n: number) => {
      handled.push(`info ${msg}`);
      if (msg === 'crash') throw new Error('crash');
      return msg === 'slow' ? gate : n + 1;
    },
    handleCast: (req: string, n: number) => {
      handled.push(`cast ${req}`);
      return n + 1;
    },
    handleCall: (req: string, _from: CallRef<string>, n: number) => {
      handled.push(`call ${req}`);
      return { reply: req, state: n + 1 };
    },
  });
}

describe('a message to a dead pid', () => {
  test('send returns false and publishes { target, kind: info, message, reason }', () => {
    const pid = spawn(target([]), undefined);
    stop(pid);
    expect(send(pid, 'hello')).toBe(false);
    expect(letters).toEqual([
      { target: pid, kind: 'info', message: 'hello', reason: { kind: 'normal' } },
    ]);
    expect(letters[0]?.target).toBe(pid);
  });

  test('cast returns false and publishes a cast dead letter', () => {
    const pid = spawn(target([]), undefined);
    stop(pid, { kind: 'cancelled' });
    expect(cast(pid, 'req')).toBe(false);
    expect(letters).toEqual([
      { target: pid, kind: 'cast', message: 'req', reason: { kind: 'cancelled' } },
    ]);
  });

  test("carries the pid's own exit reason", () => {
    const pid = spawn(target([]), undefined);
    send(pid, 'crash');
    const reason = exitOf(pid);
    send(pid, 'after');
    expect(letters).toHaveLength(1);
    expect(letters[0]?.reason).toBe(reason);
    expect(letters[0]?.reason).toEqual({ kind: 'error', error: new Error('crash') });
  });

  test('a call publishes a call dead letter with the request, and rejects with NoProcError', async () => {
    const pid = spawn(target([]), undefined);
    stop(pid);
    const error: unknown = await call(pid, 'question').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoProcError);
    expect(letters).toEqual([
      { target: pid, kind: 'call', message: 'question', reason: { kind: 'normal' } },
    ]);
  });

  test('is seen by every subscriber of the one process-wide stream', () => {
    const other: DeadLetter[] = [];
    const second = deadLetters$.subscribe((d) => other.push(d));
    const pid = spawn(target([]), undefined);
    stop(pid);
    send(pid, 'x');
    second.unsubscribe();
    expect(other).toEqual(letters);
    expect(other).toHaveLength(1);
  });

  test('with nobody listening, send still returns false and does not throw', () => {
    subscription.unsubscribe();
    const pid = spawn(target([]), undefined);
    stop(pid);
    expect(send(pid, 'into the void')).toBe(false);
  });
});

describe('a message through an unregistered name', () => {
  test('is a dead letter addressed to the via, with a NoProcError reason', () => {
    const registry = new Registry();
    const address = via<Protocol>(registry, 'ghost');
    expect(send(address, 'boo')).toBe(false);
    expect(letters).toHaveLength(1);
    const [letter] = letters;
    expect(letter?.target).toBe(address);
    expect(letter?.kind).toBe('info');
    expect(letter?.message).toBe('boo');
    expect(letter?.reason.kind).toBe('error');
    expect(letter?.reason.kind === 'error' && letter.reason.error).toBeInstanceOf(NoProcError);
  });
});

describe('messages still queued when an actor exits', () => {
  test('behind a crashing message: each becomes a dead letter with the crash reason, a call among them is rejected', async () => {
    const handled: string[] = [];
    const pid = spawn(target(handled), undefined);
    let pending: Promise<string> | undefined;
    insideHandler(() => {
      send(pid, 'crash');
      send(pid, 'a');
      cast(pid, 'b');
      pending = call(pid, 'c');
      send(pid, 'd');
    });
    const reason = exitOf(pid);
    expect(reason).toEqual({ kind: 'error', error: new Error('crash') });
    expect(handled).toEqual(['info crash']);
    // The crashing message counts as delivered: it is not a dead letter.
    expect(letters).toEqual([
      { target: pid, kind: 'info', message: 'a', reason },
      { target: pid, kind: 'cast', message: 'b', reason },
      { target: pid, kind: 'call', message: 'c', reason },
      { target: pid, kind: 'info', message: 'd', reason },
    ]);
    const error: unknown = await pending!.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActorExitError);
    expect((error as ActorExitError).reason).toBe(reason);
  });

  test('behind an async handler when a stop is requested: dead letters with the stop reason', () => {
    const handled: string[] = [];
    const gate = new Subject<number>();
    const pid = spawn(target(handled, gate), undefined);
    send(pid, 'slow');
    send(pid, 'a');
    cast(pid, 'b');
    const replies: string[] = [];
    let callError: unknown;
    call$(pid, 'c').subscribe({
      next: (r) => replies.push(r),
      error: (e: unknown) => (callError = e),
    });
    const reason: ExitReason = { kind: 'error', error: new Error('shutdown') };
    expect(stop(pid, reason)).toBe(true);
    expect(letters).toEqual([]);
    gate.next(1);
    gate.complete();
    expect(handled).toEqual(['info slow']);
    expect(exitOf(pid)).toBe(reason);
    expect(letters).toEqual([
      { target: pid, kind: 'info', message: 'a', reason },
      { target: pid, kind: 'cast', message: 'b', reason },
      { target: pid, kind: 'call', message: 'c', reason },
    ]);
    expect(replies).toEqual([]);
    expect(callError).toBeInstanceOf(ActorExitError);
    expect((callError as ActorExitError).reason).toBe(reason);
  });

  test('behind a handler that calls ctx.stop: dead letters with its reason', () => {
    const pid = spawn(
      genServer({
        init: () => 0,
        handleInfo: (msg: string, n: number, ctx) => {
          if (msg === 'stop') {
            send(ctx.self, 'after stop');
            ctx.stop();
          }
          return n;
        },
      }),
      undefined,
    );
    send(pid, 'stop');
    expect(letters).toEqual([
      { target: pid, kind: 'info', message: 'after stop', reason: { kind: 'normal' } },
    ]);
  });

  test('sent while terminate is still running: dead letters once it exits', () => {
    const done = new Subject<void>();
    const pid = spawn(
      genServer({
        init: () => 0,
        handleInfo: (_: string, n: number) => n,
        terminate: () => done,
      }),
      undefined,
    );
    stop(pid);
    expect(send(pid, 'during terminate')).toBe(true);
    done.complete();
    expect(letters).toEqual([
      { target: pid, kind: 'info', message: 'during terminate', reason: { kind: 'normal' } },
    ]);
  });

  test('sent through a name: the dead letter is addressed to the via', () => {
    const registry = new Registry();
    const handled: string[] = [];
    const pid = spawn(target(handled), undefined, { name: 't', registry });
    const address = via<Protocol>(registry, 't');
    insideHandler(() => {
      send(pid, 'crash');
      send(address, 'by name');
    });
    expect(letters).toHaveLength(1);
    expect(letters[0]?.target).toBe(address);
    expect(letters[0]?.message).toBe('by name');
    expect(letters[0]?.reason).toBe(exitOf(pid));
  });

  test('nothing vanishes: every message is either handled or a dead letter', () => {
    const handled: string[] = [];
    const pid = spawn(target(handled), undefined);
    const sent: string[] = [];
    insideHandler(() => {
      for (let i = 0; i < 20; i++) {
        const msg = i === 7 ? 'crash' : `m${i}`;
        sent.push(msg);
        send(pid, msg);
      }
    });
    for (let i = 0; i < 5; i++) {
      sent.push(`late${i}`);
      send(pid, `late${i}`);
    }
    const accounted = [
      ...handled.map((h) => h.replace('info ', '')),
      ...letters.map((d) => String(d.message)),
    ];
    expect(accounted).toEqual(sent);
  });
});

describe('the mailbox Subject of an exited actor', () => {
  test('an info message fed into it after the exit becomes a dead letter', () => {
    let mailbox: Subject<unknown> | undefined;
    const pid = spawn(
      genServer({
        init: (_: void, ctx) => {
          mailbox = ctx.mailbox;
          return 0;
        },
        handleInfo: (_msg: string, n: number) => n,
      }),
      undefined,
    );
    stop(pid);
    mailbox!.next('fed late');
    expect(letters.map(summary)).toEqual([`info 'fed late' to ${String(pid)} (normal)`]);
    expect(letters[0]?.target).toBe(pid);
  });
});
