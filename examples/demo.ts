// Placeholder demo: replaced by the live tree demo.
import { cast, call, genServer, spawn, formatExit } from 'rxotp';

const counter = genServer({
  init: (n: number) => n,
  handleCast: (_: 'inc', n) => n + 1,
  handleCall: (req: 'get' | 'boom', _from, n) => {
    if (req === 'boom') throw new Error('boom');
    return { reply: n, state: n };
  },
});

const pid = spawn(counter, 0);
pid.exit$.subscribe((r) => console.log('counter exited:', formatExit(r)));
cast(pid, 'inc');
void call(pid, 'get').then(async (n) => {
  console.log('counter is', n);
  await call(pid, 'boom').catch((e: Error) => console.log('call failed:', e.name));
});
