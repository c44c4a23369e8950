// The README's quick start, runnable: npx tsx examples/quick-start.ts
import { of } from 'rxjs';
import {
  ActorExitError,
  Registry,
  call,
  cast,
  child,
  formatExit,
  genServer,
  oneForOne,
  spawn,
  stop,
  typedName,
  via,
  type ProtocolOf,
} from 'rxotp';

// An actor: its state is a number. Handlers may also return a Promise or an Observable.
const counter = genServer({
  init: (start: number) => start,
  handleCast: (_: 'inc', n) => n + 1,
  handleCall: (request: 'get' | 'crash', _from, n) => {
    if (request === 'crash') throw new Error('asked to crash');
    return { reply: n, state: n };
  },
});

// Its name, declared once with its protocol: whatever goes through the name is checked.
const counterName = typedName<ProtocolOf<typeof counter>>('counter');

async function main(): Promise<void> {
  // One incarnation, outside any supervisor.
  const pid = spawn(counter, 0);
  cast(pid, 'inc');
  console.log(await call(pid, 'get')); // 1
  stop(pid);
  await call(pid, 'get').catch((e: Error) => console.log(e.name)); // NoProcError, at once

  // Under a supervisor: restarted when it crashes, reached by name.
  const registry = new Registry();
  const tree$ = of(child(counterName, () => counter.start(10))).pipe(oneForOne({ registry }));
  const subscription = tree$.subscribe((n) => {
    if (n.kind === 'child-exited') console.log(`${n.path.join('/')}: ${formatExit(n.reason)}`);
    if (n.kind === 'restart') console.log(`restarting ${n.ids.join(', ')} (${n.count})`);
  });

  const c = via(registry, counterName); // follows the name across restarts
  cast(c, 'inc');
  console.log(await call(c, 'get')); // 11
  await call(c, 'crash').catch((e: unknown) => {
    if (e instanceof ActorExitError) console.log(formatExit(e.reason)); // error: Error: asked to crash
  });
  console.log(await call(c, 'get')); // 10: a new incarnation starts from init

  subscription.unsubscribe(); // stops the tree and everything in it
}

void main();
