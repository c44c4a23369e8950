import { Subject } from 'rxjs';
import { SLOTS } from './entries.js';
import { INFO, OWN } from './kinds.js';
import { claim, release, schedule } from './run-queue.js';

/** @internal What `post` returns when a bounded mailbox refused the message (truthy: nothing more to do). */
export const FULL = 2;

/**
 * An actor's mailbox: a `Subject` for identity and interop (`source$.subscribe(mailbox)`
 * feeds an actor), whose `next` enqueues into its own array and drains straight to
 * the actor, one message at a time, in arrival order, with no rxjs Subscriber per
 * message. Entries are kept as `entries.ts` lays them out; only this class and
 * `eachEntry` index into them.
 *
 * It owns two flags: `held` (the actor must not take the next message) and
 * `open` (sends are taken); the process's lifecycle sets them through `hold`,
 * `unhold` and `close` (docs/design.md, "Lifecycle").
 *
 * @example
 * ```ts
 * // ctx.mailbox inside a handler; interval(1000).subscribe(ctx.mailbox) sends ticks as info messages
 * ```
 *
 * @typeParam T - The messages it carries.
 */
export abstract class Mailbox<T = unknown> extends Subject<T> {
  #queue: unknown[] | null = null;
  #head = 0;
  #tail = 0;
  /**
   * The messages a bounded mailbox may hold; 0 when unbounded. (Not
   * `Infinity`, and not counted in slots: a number past the small-integer
   * range makes the field a boxed double, 16 bytes more per process.)
   */
  #room = 0;
  /** When full: drop the oldest queued message (`true`) or refuse the new one. */
  #dropOldest = false;
  #onReadyQueue = false;
  /** True while the actor must not take the next message (booting, awaiting a handler, stopping). */
  #held = true;
  /** False once the actor is dead: sends are refused. */
  #open = true;

  /** Sends `value` as an info message (what `send` does). */
  override next(value: T): void {
    if (!this.post(INFO, value, undefined)) this.refused(INFO, value);
  }

  /** An observable feeding this mailbox failed: the actor crashes with that error. */
  override error(err: unknown): void {
    this.fail(err);
  }

  /** An observable feeding this mailbox completed: nothing to do, the actor lives on. */
  override complete(): void {}

  /**
   * @internal Enqueues one message: `true` when taken, `false` when the actor
   * no longer takes messages (the caller makes it a dead letter), `FULL` when
   * a bounded mailbox refused it (already a dead letter; a call is rejected).
   */
  post(kind: number, payload: unknown, via: unknown): boolean | typeof FULL {
    // Flags compared with `false`, not negated: `!flag` compiles to a generic
    // truthiness test (four type checks); `=== false` is one comparison. A
    // mailbox that is not held is open (`close` holds it), so the fast path
    // reads one flag.
    if (this.#held === false && this.#head === this.#tail && claim()) {
      // Idle actor, empty queue, nothing running: handle it now, as a bare queue would.
      try {
        this.receive(kind, payload, via);
      } finally {
        release();
      }
      return true;
    }
    return this.#enqueue(kind, payload, via);
  }

  /**
   * Queues a message behind others (the slow path of `post`, a method of its
   * own so that `post` stays small enough to be inlined into every send).
   */
  #enqueue(kind: number, payload: unknown, via: unknown): boolean | typeof FULL {
    if (this.#open === false) return false;
    const queue = (this.#queue ??= []);
    const tail = this.#tail;
    // The only cost of the bound on this path: one comparison when unbounded.
    const room = this.#room;
    if (room !== 0 && tail - this.#head >= room * SLOTS && kind !== OWN) {
      return this.#overflow(kind, payload, via);
    }
    queue[tail] = kind;
    queue[tail + 1] = payload;
    queue[tail + 2] = via;
    this.#tail = tail + SLOTS;
    if (this.#held === false) this.wake();
    return true;
  }

  /** The actor must not take the next message (until `unhold`). */
  protected hold(): void {
    this.#held = true;
  }

  /**
   * The actor may take messages again; queued ones are drained from the ready
   * queue. An empty mailbox is not queued: there is nothing to drain (a stop
   * request wakes it itself), and a million children starting inside one
   * supervisor callback would otherwise fill the ready queue for nothing
   * (BENCHMARKS.md, case 6).
   */
  protected unhold(): void {
    // A closed mailbox stays held: `post`'s fast path relies on it.
    if (this.#open === false) return;
    this.#held = false;
    if (this.#head !== this.#tail) this.wake();
  }

  /** The actor is dead: sends are refused from now on, and nothing more is taken. */
  protected close(): void {
    this.#open = false;
    this.#held = true;
  }

  /** @internal What a full bounded mailbox does with one more message. */
  get overflowRule(): 'reject' | 'drop-oldest' {
    return this.#dropOldest ? 'drop-oldest' : 'reject';
  }

  /** @internal Bounds the queue at `bound` messages (the actor's own bookkeeping is never refused). */
  limit(bound: number, dropOldest: boolean): void {
    this.#room = bound === Infinity ? 0 : bound;
    this.#dropOldest = dropOldest;
  }

  /** @internal The bound in messages (`Infinity` when unbounded). */
  get bound(): number {
    return this.#room === 0 ? Infinity : this.#room;
  }

  /** A full mailbox met one more message: drop the oldest for it, or refuse it. */
  #overflow(kind: number, payload: unknown, via: unknown): boolean | typeof FULL {
    const queue = this.#queue!;
    const head = this.#head;
    if (!this.#dropOldest || queue[head] === OWN) {
      this.full(kind, payload, via);
      return FULL;
    }
    this.#head = head + SLOTS;
    const tail = this.#tail;
    queue[tail] = kind;
    queue[tail + 1] = payload;
    queue[tail + 2] = via;
    const oldKind = queue[head] as number;
    const oldPayload = queue[head + 1];
    const oldVia = queue[head + 2];
    queue[head + 1] = queue[head + 2] = undefined;
    this.#tail = tail + SLOTS;
    this.full(oldKind, oldPayload, oldVia);
    return true;
  }

  /**
   * @internal Runs queued messages until the queue is empty or the actor is
   * held: one entry at a time (`head` moves past it before it runs, so a
   * handler that sends to itself queues behind it).
   */
  drain(): void {
    this.#onReadyQueue = false;
    const queue = this.#queue;
    if (queue !== null) {
      while (this.#held === false && this.#head < this.#tail) {
        const i = this.#head;
        this.#head = i + SLOTS;
        const payload = queue[i + 1];
        const via = queue[i + 2];
        queue[i + 1] = queue[i + 2] = undefined;
        this.receive(queue[i] as number, payload, via);
      }
      this.#compact();
    }
    this.settled();
  }

  /** @internal Number of messages waiting. */
  get depth(): number {
    return (this.#tail - this.#head) / SLOTS;
  }

  /**
   * Keeps the array's storage when it empties (resetting its length would free
   * and reallocate it on every burst), and moves the live part to the front
   * when a mailbox that never empties has drifted far along it.
   */
  #compact(): void {
    const queue = this.#queue;
    const head = this.#head;
    const tail = this.#tail;
    if (queue === null) return; // taken by the exit
    if (head === tail) {
      this.#head = this.#tail = 0;
      if (queue.length > 3072) this.#queue = null;
    } else if (head >= 3072 && head * 2 >= tail) {
      queue.copyWithin(0, head, tail);
      queue.fill(undefined, tail - head, tail);
      this.#head = 0;
      this.#tail = tail - head;
    }
  }

  /** Puts this mailbox on the ready queue (once). */
  protected wake(): void {
    if (this.#onReadyQueue === false) {
      this.#onReadyQueue = true;
      schedule(this);
    }
  }

  /**
   * Empties the queue in constant time and gives what was left in it — the
   * array, and the first and past-the-last slot of its entries (walk them with
   * `eachEntry`) — for dead letters or a restart hold; `null` when nothing was left.
   */
  protected takeRest(): {
    readonly queue: unknown[];
    readonly from: number;
    readonly to: number;
  } | null {
    const queue = this.#queue;
    const head = this.#head;
    const tail = this.#tail;
    this.#queue = null;
    this.#head = this.#tail = 0;
    return queue === null || head === tail ? null : { queue, from: head, to: tail };
  }

  protected abstract receive(kind: number, payload: unknown, via: unknown): void;
  /** Called after each drain pass, with the queue empty or the actor held. */
  protected abstract settled(): void;
  protected abstract fail(err: unknown): void;
  /** A message came after the actor died (through `next`, not `send`): it becomes a dead letter. */
  protected abstract refused(kind: number, payload: unknown): void;
  /** A bounded mailbox lost this message (refused, or dropped as the oldest): a dead letter. */
  protected abstract full(kind: number, payload: unknown, via: unknown): void;
}
