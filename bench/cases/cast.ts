// Case 1: cast + handle with a state reducer, against the bare queue actor and the peers.
import { Effect, Fiber, Queue } from 'effect';
import { Subject, concatMap, observeOn, of, queueScheduler, scan, type Observable } from 'rxjs';
import { createActor, fromTransition } from 'xstate';
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

const RXOTP = 'rxotp cast → handleCast';
const BARE = 'bare queue actor';

const add = (state: number, by: number): number => state + by;

/** A Subject pipeline that folds every value into a count. */
function subjectImpl(name: string, pipe: (s: Subject<number>) => Observable<number>): Impl {
  return {
    name,
    start(size) {
      const subject = new Subject<number>();
      let state = 0;
      const subscription = pipe(subject).subscribe((v) => {
        state = v;
      });
      return {
        batch: () => {
          for (let i = 0; i < size; i++) subject.next(1);
        },
        handled: () => state,
        stop: () => subscription.unsubscribe(),
      };
    },
  };
}

export function castImpls(lib: Rxotp): Impl[] {
  return [
    {
      name: RXOTP,
      start(size) {
        const counter = lib.genServer({
          init: () => 0,
          handleCast: add,
          handleCall: (_: 'get', _from, n: number) => ({ reply: n, state: n }),
        });
        const pid = lib.spawn(counter, undefined);
        return {
          batch: () => {
            for (let i = 0; i < size; i++) lib.cast(pid, 1);
          },
          handled: () => lib.call(pid, 'get'),
          stop: () => void lib.stop(pid),
        };
      },
    },
    {
      name: BARE,
      start(size) {
        const actor = new QueueActor(add, 0);
        return {
          batch: () => {
            for (let i = 0; i < size; i++) actor.send(1);
          },
          handled: () => actor.state,
          stop: () => {},
        };
      },
    },
    // The subscriber itself keeps the state, as an actor's reducer would.
    {
      name: 'rxjs Subject.next → one subscriber',
      start(size) {
        const subject = new Subject<number>();
        let state = 0;
        const subscription = subject.subscribe((v) => {
          state = add(state, v);
        });
        return {
          batch: () => {
            for (let i = 0; i < size; i++) subject.next(1);
          },
          handled: () => state,
          stop: () => subscription.unsubscribe(),
        };
      },
    },
    subjectImpl('rxjs Subject + observeOn(queueScheduler) + scan', (s) =>
      s.pipe(observeOn(queueScheduler), scan(add, 0)),
    ),
    subjectImpl('rxjs Subject + concatMap + scan', (s) =>
      s.pipe(
        concatMap((v) => of(v)),
        scan(add, 0),
      ),
    ),
    {
      name: 'XState v5 fromTransition send',
      start(size) {
        const actor = createActor(
          fromTransition((n: number, _e: { type: 'inc' }) => n + 1, 0),
        ).start();
        // One event object, as rxotp's cast sends one number: no allocation per message on either side.
        const inc = { type: 'inc' } as const;
        return {
          batch: () => {
            for (let i = 0; i < size; i++) actor.send(inc);
          },
          handled: () => actor.getSnapshot().context,
          stop: () => void actor.stop(),
        };
      },
    },
    {
      name: 'Effect Queue → actor fiber',
      start(size) {
        const mailbox = Effect.runSync(Queue.unbounded<number>());
        let state = 0;
        let target = 0;
        let wake: (() => void) | null = null;
        const fiber = Effect.runFork(
          Effect.forever(
            Effect.flatMap(Queue.take(mailbox), (by) =>
              Effect.sync(() => {
                state = add(state, by);
                if (state === target && wake !== null) wake();
              }),
            ),
          ),
        );
        return {
          // The fiber takes messages on Effect's scheduler, so a batch ends when it has taken them all.
          batch: {
            async: async () => {
              target += size;
              const done = new Promise<void>((resolve) => (wake = resolve));
              for (let i = 0; i < size; i++) Queue.unsafeOffer(mailbox, 1);
              await done;
              wake = null;
            },
          },
          handled: () => state,
          stop: () => Effect.runPromise(Fiber.interrupt(fiber)).then(() => {}),
        };
      },
    },
  ];
}

export async function castCase(lib: Rxotp, measure: Measure, batch: number): Promise<CaseResult> {
  const timed = await timeEach(measure, batch, castImpls(lib));
  const rxotp = timed[0]!.nsPerOp;
  const bare = timed[1]!.nsPerOp;
  const rows = [
    { name: RXOTP, value: rxotp, unit: 'ns/op' as const },
    ...timed.slice(1).map((t) => against(t.name, t.nsPerOp, 'ns/op', rxotp)),
  ];
  return {
    id: 'cast',
    title: '1. cast + handleCast (state + 1)',
    rows,
    checks: [
      ratioAtMost('cast + handle vs bare queue actor', rxotp / bare, 1.5),
      ...timed.slice(2).map((t) => ahead(`cast vs ${t.name}`, rxotp / t.nsPerOp)),
    ],
    counts: Object.fromEntries(timed.map((t) => [t.name, t.handled])),
  };
}

export const cast: BenchCase = {
  id: 'cast',
  title: '1. cast + handleCast',
  size: 1000,
  smokeSize: 20,
  run: castCase,
};
