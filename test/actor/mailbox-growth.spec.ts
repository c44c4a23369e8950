import { Subject } from 'rxjs';
import { genServer, send, spawn, stop } from '../../src/index.js';

// docs/design.md, "Mailbox rules": one message at a time, in arrival order, and nothing lost. These
// cases push the mailbox and the ready queue past the sizes where they reuse,
// compact and grow their storage.

test('a mailbox that never empties keeps order across thousands of messages', () => {
  const handled: number[] = [];
  const gates: Subject<number>[] = [];
  // Each message holds the mailbox until its gate is opened.
  const slow = genServer({
    init: () => 0,
    handleInfo: (n: number, _count: number) => {
      handled.push(n);
      const gate = new Subject<number>();
      gates.push(gate);
      return gate;
    },
  });
  const pid = spawn(slow);
  const total = 10_000;
  let sent = 0;
  // Keep 2,000 messages waiting while the actor works through them one by one.
  while (sent < 2_000) send(pid, sent++);
  for (let opened = 0; opened < total; opened++) {
    if (sent < total) send(pid, sent++);
    const gate = gates[opened]!;
    gate.next(opened + 1);
    gate.complete();
  }
  expect(handled).toHaveLength(total);
  expect(handled.every((n, i) => n === i)).toBe(true);
  stop(pid);
});

test('a thousand actors made ready by one handler are each delivered once, in send order', () => {
  const order: number[] = [];
  const sink = genServer({
    init: (id: number) => id,
    handleInfo: (_: 'go', id: number) => {
      order.push(id);
      return id;
    },
  });
  const sinks = Array.from({ length: 1000 }, (_, id) => spawn(sink, id));
  // Sends made inside a handler are queued: all 1,000 actors wait on the ready queue at once.
  const fanout = genServer({
    init: () => null,
    handleInfo: (_: 'fan', state: null) => {
      for (const pid of sinks) send(pid, 'go');
      return state;
    },
  });
  const hub = spawn(fanout);
  send(hub, 'fan');
  expect(order).toEqual(sinks.map((_, id) => id));
  for (const pid of [hub, ...sinks]) stop(pid);
});
