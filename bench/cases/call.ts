// Case 2: call awaited in sequence, against a bare queue actor answering through a Promise resolver.
import { Deferred, Effect, Fiber, Queue } from 'effect';
import { createActor, fromTransition, waitFor } from 'xstate';
import { QueueActor } from '../bare.js';
import type { Rxotp } from '../lib.js';
import {
  ahead,
  against,
  ratioAtMost,
  type BenchCase,
  type CaseResult,
  type Measure,
} from '../measure.js';
import { timeEach, type Impl } from '../per-op.js';

const RXOTP = 'rxotp await call → handleCall';
const BARE = 'bare queue actor + Promise resolver';

export function callImpls(lib: Rxotp): Impl[] {
  return [
    {
      name: RXOTP,
      start(size) {
        const counter = lib.genServer({
          init: () => 0,
          handleCall: (_: 'next', _from, n: number) => ({ reply: n + 1, state: n + 1 }),
        });
        const pid = lib.spawn(counter, undefined);
        let last = 0;
        return {
          batch: {
            async: async () => {
              for (let i = 0; i < size; i++) last = await lib.call(pid, 'next');
            },
          },
          handled: () => last,
          stop: () => void lib.stop(pid),
        };
      },
    },
    {
      name: BARE,
      start(size) {
        const actor = new QueueActor((n: number, reply: (n: number) => void) => {
          reply(n + 1);
          return n + 1;
        }, 0);
        const ask = (): Promise<number> => new Promise<number>((resolve) => actor.send(resolve));
        let last = 0;
        return {
          batch: {
            async: async () => {
              for (let i = 0; i < size; i++) last = await ask();
            },
          },
          handled: () => last,
          stop: () => {},
        };
      },
    },
    // XState has no request/reply from outside an actor: the asker correlates by id and
    // waits for the snapshot that answers it with `waitFor`, XState's own way to await an actor.
    {
      name: 'XState v5 send + waitFor',
      start(size) {
        const logic = fromTransition(
          (s: { n: number; served: number }, e: { type: 'next'; id: number }) => ({
            n: s.n + 1,
            served: e.id,
          }),
          { n: 0, served: 0 },
        );
        const actor = createActor(logic).start();
        let id = 0;
        let last = 0;
        return {
          batch: {
            async: async () => {
              for (let i = 0; i < size; i++) {
                const mine = ++id;
                actor.send({ type: 'next', id: mine });
                last = (await waitFor(actor, (s) => s.context.served === mine)).context.n;
              }
            },
          },
          handled: () => last,
          stop: () => void actor.stop(),
        };
      },
    },
    // Effect's ask: a Deferred in the message, completed by the actor fiber. The asks run
    // inside one Effect program per batch, Effect's fastest way to await them in sequence.
    {
      name: 'Effect Queue + Deferred ask',
      start(size) {
        const mailbox = Effect.runSync(Queue.unbounded<Deferred.Deferred<number>>());
        let state = 0;
        const fiber = Effect.runFork(
          Effect.forever(
            Effect.flatMap(Queue.take(mailbox), (reply) => Deferred.succeed(reply, ++state)),
          ),
        );
        let last = 0;
        const asks = Effect.gen(function* () {
          for (let i = 0; i < size; i++) {
            const reply = yield* Deferred.make<number>();
            yield* Queue.offer(mailbox, reply);
            last = yield* Deferred.await(reply);
          }
        });
        return {
          batch: { async: () => Effect.runPromise(asks) },
          handled: () => last,
          stop: () => Effect.runPromise(Fiber.interrupt(fiber)).then(() => {}),
        };
      },
    },
  ];
}

export async function callCase(lib: Rxotp, measure: Measure, batch: number): Promise<CaseResult> {
  const timed = await timeEach(measure, batch, callImpls(lib));
  const rxotp = timed[0]!.nsPerOp;
  const bare = timed[1]!.nsPerOp;
  return {
    id: 'call',
    title: '2. call awaited in sequence',
    rows: [
      { name: RXOTP, value: rxotp, unit: 'ns/op' },
      ...timed.slice(1).map((t) => against(t.name, t.nsPerOp, 'ns/op', rxotp)),
    ],
    checks: [
      ratioAtMost('call vs bare queue + Promise ask', rxotp / bare, 1.25),
      ...timed.slice(2).map((t) => ahead(`call vs ${t.name}`, rxotp / t.nsPerOp)),
    ],
    counts: Object.fromEntries(timed.map((t) => [t.name, t.handled])),
  };
}

export const call: BenchCase = {
  id: 'call',
  title: '2. call awaited in sequence',
  size: 1000,
  smokeSize: 20,
  run: callCase,
};
