import fc from 'fast-check';
import { Subject, of, throwError } from 'rxjs';
import {
  call$,
  cast,
  genServer,
  send,
  spawn,
  stop,
  type CallRef,
  type Pid,
} from '../../src/index.js';
import { exitOf } from '../support.js';

/** An actor whose handleInfo runs the job it is sent: sends made in the job are made inside a handler. */
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

/**
 * An actor that logs every message it handles, by kind. The info message
 * 'hold' makes it wait for `gate` (an async handler), so messages queue up.
 */
function recorder(log: string[], gate = new Subject<number>()) {
  return genServer({
    init: () => 0,
    handleInfo: (msg: string, n: number) => {
      log.push(`info ${msg}`);
      return msg === 'hold' ? gate : n + 1;
    },
    handleCast: (req: string, n: number) => {
      log.push(`cast ${req}`);
      return n + 1;
    },
    handleCall: (req: string, _from: CallRef<string>, n: number) => {
      log.push(`call ${req}`);
      return { reply: `re ${req}`, state: n + 1 };
    },
  });
}

describe('delivery', () => {
  test('a send to an idle actor from outside any handler is handled before send returns', () => {
    const log: string[] = [];
    const pid = spawn(recorder(log), undefined);
    send(pid, 'a');
    expect(log).toEqual(['info a']);
    cast(pid, 'b');
    expect(log).toEqual(['info a', 'cast b']);
  });

  test('a call to an idle actor from outside is answered before call$ returns from subscribe', () => {
    const log: string[] = [];
    const pid = spawn(recorder(log), undefined);
    const replies: string[] = [];
    call$(pid, 'q').subscribe((r) => replies.push(r));
    expect(log).toEqual(['call q']);
    expect(replies).toEqual(['re q']);
  });

  test('messages queued while the actor is busy are handled one at a time, in arrival order', () => {
    const log: string[] = [];
    const gate = new Subject<number>();
    const pid = spawn(recorder(log, gate), undefined);
    send(pid, 'hold');
    send(pid, '1');
    cast(pid, '2');
    const replies: string[] = [];
    call$(pid, '3').subscribe((r) => replies.push(r));
    send(pid, '4');
    cast(pid, '5');
    expect(log).toEqual(['info hold']);
    gate.next(0);
    gate.complete();
    expect(log).toEqual(['info hold', 'info 1', 'cast 2', 'call 3', 'info 4', 'cast 5']);
    expect(replies).toEqual(['re 3']);
  });
});

describe('sends made inside a handler', () => {
  test('a send to itself is handled after the running handler returns, never inside it', () => {
    const log: string[] = [];
    const def = genServer({
      init: () => 0,
      handleInfo: (msg: string, n: number, ctx) => {
        log.push(`enter ${msg}`);
        if (msg === 'first') {
          send(ctx.self, 'second');
          ctx.mailbox.next('third');
          log.push('sent');
        }
        log.push(`exit ${msg}`);
        return n + 1;
      },
    });
    const pid = spawn(def, undefined);
    send(pid, 'first');
    expect(log).toEqual([
      'enter first',
      'sent',
      'exit first',
      'enter second',
      'exit second',
      'enter third',
      'exit third',
    ]);
  });

  test('a send to another idle actor is queued until the sending handler returns', () => {
    const log: string[] = [];
    const b = spawn(
      genServer({
        init: () => 0,
        handleInfo: (msg: string, n: number) => {
          log.push(`B enter ${msg}`);
          log.push(`B exit ${msg}`);
          return n + 1;
        },
      }),
      undefined,
    );
    const a = spawn(
      genServer({
        init: () => 0,
        handleInfo: (msg: string, n: number) => {
          log.push(`A enter ${msg}`);
          expect(send(b, `from A ${msg}`)).toBe(true);
          log.push('A sent');
          log.push(`A exit ${msg}`);
          return n + 1;
        },
      }),
      undefined,
    );
    send(a, 'x');
    expect(log).toEqual(['A enter x', 'A sent', 'A exit x', 'B enter from A x', 'B exit from A x']);
  });

  test('a relay through several actors never runs one handler inside another', () => {
    let depth = 0;
    let deepest = 0;
    const arrived: number[] = [];
    const relay = genServer({
      init: (next: Pid | null) => next,
      handleInfo: (n: number, next: Pid | null) => {
        depth++;
        deepest = Math.max(deepest, depth);
        if (next === null) arrived.push(n);
        else send(next, n);
        depth--;
        return next;
      },
    });
    const last = spawn(relay, null);
    const middle = spawn(relay, last);
    const first = spawn(relay, middle);
    insideHandler(() => {
      for (let i = 0; i < 100; i++) send(first, i);
    });
    expect(arrived).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(deepest).toBe(1);
  });

  test('a cast then a call sent from one handler are handled in that order', () => {
    const log: string[] = [];
    const pid = spawn(recorder(log), undefined);
    const replies: string[] = [];
    insideHandler(() => {
      cast(pid, 'c');
      call$(pid, 'q').subscribe((r) => replies.push(r));
      send(pid, 'i');
      expect(log).toEqual([]);
    });
    expect(log).toEqual(['cast c', 'call q', 'info i']);
    expect(replies).toEqual(['re q']);
  });
});

describe('async handlers hold the mailbox', () => {
  test('a handler returning a Promise holds later messages until it resolves', async () => {
    const log: string[] = [];
    let resolve!: (n: number) => void;
    const pending = new Promise<number>((r) => (resolve = r));
    const def = genServer({
      init: () => 0,
      handleInfo: (msg: 'slow' | 'next', n: number) => {
        log.push(`${msg} sees ${n}`);
        return msg === 'slow' ? pending : n + 1;
      },
    });
    const pid = spawn(def, undefined);
    send(pid, 'slow');
    send(pid, 'next');
    send(pid, 'next');
    expect(log).toEqual(['slow sees 0']);
    resolve(10);
    await pending;
    expect(log).toEqual(['slow sees 0', 'next sees 10', 'next sees 11']);
  });

  test('a handler returning an Observable holds later messages until it completes', () => {
    const log: string[] = [];
    const gate = new Subject<number>();
    const def = genServer({
      init: () => 0,
      handleInfo: (msg: 'slow' | 'next', n: number) => {
        log.push(`${msg} sees ${n}`);
        return msg === 'slow' ? gate : n + 1;
      },
    });
    const pid = spawn(def, undefined);
    send(pid, 'slow');
    send(pid, 'next');
    gate.next(5);
    expect(log).toEqual(['slow sees 0']);
    gate.next(6);
    gate.complete();
    expect(log).toEqual(['slow sees 0', 'next sees 6']);
  });
});

describe('the mailbox is a Subject', () => {
  test('ctx.mailbox is an rxjs Subject', () => {
    let mailbox: unknown;
    spawn(
      genServer({
        init: (_: void, ctx) => {
          mailbox = ctx.mailbox;
          return 0;
        },
      }),
      undefined,
    );
    expect(mailbox).toBeInstanceOf(Subject);
  });

  test('an Observable subscribed to ctx.mailbox feeds it info messages, in order', () => {
    const seen: number[] = [];
    const feed = new Subject<number>();
    const def = genServer({
      init: (_: void, ctx) => {
        of(1, 2).subscribe(ctx.mailbox);
        feed.subscribe(ctx.mailbox);
        return 0;
      },
      handleInfo: (n: number, sum: number) => {
        seen.push(n);
        return sum + n;
      },
    });
    const pid = spawn(def, undefined);
    expect(seen).toEqual([1, 2]);
    feed.next(3);
    feed.next(4);
    expect(seen).toEqual([1, 2, 3, 4]);
    feed.complete();
    expect(exitOf(pid)).toBeUndefined();
    expect(send(pid, 5)).toBe(true);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  test('an Observable fed into ctx.mailbox that errors crashes the actor with that error', () => {
    const boom = new Error('feed failed');
    const def = genServer({
      init: (_: void, ctx) => {
        throwError(() => boom).subscribe(ctx.mailbox);
        return 0;
      },
      handleInfo: (_: number, n: number) => n,
    });
    const pid = spawn(def, undefined);
    expect(exitOf(pid)).toEqual({ kind: 'error', error: boom });
  });
});

describe('order, as a property', () => {
  type Op = { readonly kind: 'info' | 'cast' | 'call'; readonly id: number };
  const ops = fc
    .array(fc.constantFrom<Op['kind']>('info', 'cast', 'call'), { maxLength: 30 })
    .map((kinds) => kinds.map((kind, id): Op => ({ kind, id })));

  /** Sends every op to `pid`; returns the replies the calls got. */
  function sendAll(
    pid: Pid<{ call: string; reply: string; cast: string; info: string }>,
    list: Op[],
  ) {
    const replies: string[] = [];
    for (const { kind, id } of list) {
      if (kind === 'info') send(pid, String(id));
      else if (kind === 'cast') cast(pid, String(id));
      else call$(pid, String(id)).subscribe((r) => replies.push(r));
    }
    return replies;
  }

  const expected = (list: Op[]) => list.map(({ kind, id }) => `${kind} ${id}`);
  const expectedReplies = (list: Op[]) =>
    list.filter((op) => op.kind === 'call').map(({ id }) => `re ${id}`);

  test('messages queued behind a busy handler are handled in send order, each call answered once', () => {
    fc.assert(
      fc.property(ops, (list) => {
        const log: string[] = [];
        const gate = new Subject<number>();
        const pid = spawn(recorder(log, gate), undefined);
        send(pid, 'hold');
        const replies = sendAll(pid, list);
        gate.next(0);
        gate.complete();
        expect(log).toEqual(['info hold', ...expected(list)]);
        expect(replies).toEqual(expectedReplies(list));
        stop(pid);
      }),
      { numRuns: 200 },
    );
  });

  test('messages sent from inside a handler are handled in send order, each call answered once', () => {
    fc.assert(
      fc.property(ops, (list) => {
        const log: string[] = [];
        const pid = spawn(recorder(log), undefined);
        let replies: string[] = [];
        insideHandler(() => {
          replies = sendAll(pid, list);
        });
        expect(log).toEqual(expected(list));
        expect(replies).toEqual(expectedReplies(list));
        stop(pid);
      }),
      { numRuns: 200 },
    );
  });
});
