import { of } from 'rxjs';
import {
  Registry,
  child,
  genServer,
  oneForOne,
  send,
  spawn,
  via,
  type Protocol,
} from '../../src/index.js';

test('messages held for a restart are handled before a send made by a whereis$ watcher of the new pid', () => {
  const registry = new Registry();
  const log: string[] = [];
  const worker = genServer({
    init: () => 0,
    handleInfo: (msg: string, n: number): number => {
      if (msg === 'boom') throw new Error('boom');
      log.push(msg);
      return n;
    },
  });
  const w = via<Protocol>(registry, 'w');
  const sub = of(child('w', () => worker.start(undefined)))
    .pipe(oneForOne({ registry }))
    .subscribe();
  const first = registry.whereis('w');
  // A watcher that greets each new incarnation through the name.
  registry.whereis$('w').subscribe((p) => {
    if (p !== undefined && p !== first) send(w, 'hello');
  });
  // Sent from inside a handler, so all three queue behind 'boom': 'a' and 'b' are
  // left in the crashed mailbox and held for the next incarnation.
  const driver = genServer({
    init: () => 0,
    handleInfo: (_: 'go', n: number) => {
      send(w, 'boom');
      send(w, 'a');
      send(w, 'b');
      return n;
    },
  });
  send(spawn(driver, undefined), 'go');
  // DESIGN: held messages are "delivered right after started", in order; 'hello' was sent later.
  expect(log).toEqual(['a', 'b', 'hello']);
  sub.unsubscribe();
});
