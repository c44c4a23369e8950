import { NEVER, Subject, of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  ActorExitError,
  CallTimeoutError,
  call$,
  cast,
  child,
  genServer,
  oneForAll,
  type CallRef,
  type Pid,
} from '../../src/index.js';

/** Everything a call$ subscription saw, synchronously. */
function observe<R>(source: Observable<R>): { values: R[]; error?: unknown } {
  const outcome: { values: R[]; error?: unknown } = { values: [] };
  source.subscribe({
    next: (v) => outcome.values.push(v),
    error: (e: unknown) => (outcome.error = e),
  });
  return outcome;
}

/** A server whose 'slow' call holds the mailbox until `gate` emits and completes. */
const slow = (gate: Observable<{ reply: string; state: number }>) =>
  genServer({
    init: () => 0,
    handleCall: (req: string, _from: CallRef<string>, n: number) =>
      req === 'slow' ? gate : { reply: req, state: n },
  });

test('a call whose async handler is in flight is rejected at once when the actor is unsubscribed', () => {
  const frozen = new TestScheduler(() => undefined);
  let pid: Pid | undefined;
  const subscription = slow(new Subject())
    .start(undefined)
    .subscribe((n) => (pid = n.pid));
  const inflight = observe(call$(pid!, 'slow', { scheduler: frozen }));
  subscription.unsubscribe();
  // docs/design.md, "Lifecycle": a call owed a reply is rejected when its actor exits, so the
  // caller is not left to its timeout.
  expect(inflight.error).toBeInstanceOf(ActorExitError);
  expect((inflight.error as ActorExitError).reason).toEqual({ kind: 'cancelled' });
});

test('a call in flight in a brutal_kill sibling is rejected at once on a one_for_all restart', () => {
  const ts = new TestScheduler((a, e) => expect(a).toEqual(e));
  let error: unknown;
  let at = -1;
  ts.run(() => {
    const crasher = genServer({
      init: () => 0,
      handleCast: (_: 'crash'): number => {
        throw new Error('boom');
      },
    });
    let worker: Pid | undefined;
    let crash: Pid<{ call: never; reply: unknown; cast: 'crash'; info: never }> | undefined;
    const sub = of(
      child('w', () => slow(NEVER).start(undefined), { shutdown: 'brutal_kill' }),
      child('c', () => crasher.start(undefined)),
    )
      .pipe(oneForAll())
      .subscribe((n) => {
        if (n.kind === 'child-started' && n.path[0] === 'w' && worker === undefined) worker = n.pid;
        if (n.kind === 'child-started' && n.path[0] === 'c') crash = n.pid as typeof crash;
      });
    ts.schedule(() => {
      call$(worker!, 'slow', { timeout: 1000, scheduler: ts }).subscribe({
        error: (e: unknown) => ((error = e), (at = ts.now())),
      });
    }, 1);
    ts.schedule(() => {
      cast(crash!, 'crash');
    }, 2);
    ts.schedule(() => sub.unsubscribe(), 2000);
  });
  expect(error).toBeInstanceOf(ActorExitError);
  expect(error).not.toBeInstanceOf(CallTimeoutError);
  expect(at).toBe(2);
});
