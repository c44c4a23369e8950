// Type tests: the basics of inference through spawn, cast, call, send and via.
import { call, cast, genServer, spawn, send, via, Registry, type Pid } from '../../src/index.js';

const counter = genServer({
  init: (start: number) => start,
  handleCast: (req: 'inc' | 'dec', n) => (req === 'inc' ? n + 1 : n - 1),
  handleCall: (_req: 'get', _from, n) => ({ reply: n, state: n }),
  handleInfo: (_m: { tick: number }, n) => n,
});
const pid = spawn(counter, 0);
cast(pid, 'inc');
// @ts-expect-error wrong cast
cast(pid, 'nope');
const p: Promise<number> = call(pid, 'get');
send(pid, { tick: 1 });
const r = new Registry();
const v = via<{ call: 'get'; reply: number; cast: 'inc'; info: never }>(r, 'c');
const q: Promise<number> = call(v, 'get');
const anyPid: Pid = pid;
void p;
void q;
void anyPid;

const ticker = genServer({
  init: (_: void, ctx) => {
    ctx.sendAfter(10, 'tick');
    return 0;
  },
  handleInfo: (_m: 'tick', n: number, ctx) => {
    ctx.sendAfter(10, 'tick');
    return n + 1;
  },
});
spawn(ticker);
