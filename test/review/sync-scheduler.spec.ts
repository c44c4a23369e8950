import { queueScheduler } from 'rxjs';
import { genServer, send, spawn } from '../../src/index.js';
import { exitOf } from '../support.js';

test('sendAfter(0) on a synchronous scheduler (queueScheduler) delivers the message', () => {
  const got: string[] = [];
  const def = genServer({
    init: () => 0,
    handleInfo: (msg: string, n: number, ctx) => {
      if (msg === 'arm') ctx.sendAfter(0, 'tick');
      else got.push(msg);
      return n;
    },
  });
  const pid = spawn(def, undefined, { scheduler: queueScheduler });
  expect(() => send(pid, 'arm')).not.toThrow();
  expect(exitOf(pid)).toBeUndefined();
  expect(got).toEqual(['tick']);
});
