import { Subject } from 'rxjs';
import { INFO } from './kinds.js';
import { claim, release, schedule } from './run-queue.js';

/**
 * An actor's mailbox: a `Subject` for identity and interop (`source$.subscribe(mailbox)`
 * feeds an actor), whose `next` enqueues into its own array and drains straight to
 * the actor, one message at a time, in arrival order, with no rxjs Subscriber per
 * message. Each entry is a triple: kind, payload, and the `via` address it was sent
 * through (or `undefined`), kept so a restart can carry name-addressed messages over.
 *
 * @example
 * ```ts
 * // ctx.mailbox inside a handler; interval(1000).subscribe(ctx.mailbox) sends ticks as info messages
 * ```
 *
 * @typeParam T - The messages it carries.
 */
export abstract class Mailbox<T = unknown> extends Subject<T> {
  private queue: unknown[] | null = null;
  private head = 0;
  private tail = 0;
  private onReadyQueue = false;
  /** True while the actor must not take the next message (booting, awaiting a handler, stopping). */
  protected held = true;
  /** False once the actor is dead: sends are refused. */
  protected open = true;

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

  /** @internal Enqueues one message; `false` when the actor no longer takes messages. */
  post(kind: number, payload: unknown, via: unknown): boolean {
    if (!this.open) return false;
    if (!this.held && this.head === this.tail && claim()) {
      // Idle actor, empty queue, nothing running: handle it now, as a bare queue would.
      try {
        this.receive(kind, payload, via);
      } finally {
        release();
      }
      return true;
    }
    const queue = (this.queue ??= []);
    const tail = this.tail;
    queue[tail] = kind;
    queue[tail + 1] = payload;
    queue[tail + 2] = via;
    this.tail = tail + 3;
    if (!this.held) this.wake();
    return true;
  }

  /** @internal Runs queued messages until the queue is empty or the actor is held. */
  drain(): void {
    this.onReadyQueue = false;
    const queue = this.queue;
    if (queue !== null) {
      while (!this.held && this.head < this.tail) {
        const i = this.head;
        this.head = i + 3;
        const payload = queue[i + 1];
        const via = queue[i + 2];
        queue[i + 1] = queue[i + 2] = undefined;
        this.receive(queue[i] as number, payload, via);
      }
      this.compact();
    }
    this.settled();
  }

  /** @internal Number of messages waiting. */
  get depth(): number {
    return (this.tail - this.head) / 3;
  }

  /**
   * Keeps the array's storage when it empties (resetting its length would free
   * and reallocate it on every burst), and moves the live part to the front
   * when a mailbox that never empties has drifted far along it.
   */
  private compact(): void {
    const { queue, head, tail } = this;
    if (queue === null) return; // taken by the exit
    if (head === tail) {
      this.head = this.tail = 0;
      if (queue.length > 3072) this.queue = null;
    } else if (head >= 3072 && head * 2 >= tail) {
      queue.copyWithin(0, head, tail);
      queue.fill(undefined, tail - head, tail);
      this.head = 0;
      this.tail = tail - head;
    }
  }

  /** Puts this mailbox on the ready queue (once). */
  protected wake(): void {
    if (!this.onReadyQueue) {
      this.onReadyQueue = true;
      schedule(this);
    }
  }

  /** Empties the queue and returns its triples, for dead letters or a restart hold. */
  protected takeRest(): unknown[] {
    const rest = this.queue === null ? [] : this.queue.slice(this.head, this.tail);
    this.queue = null;
    this.head = this.tail = 0;
    return rest;
  }

  protected abstract receive(kind: number, payload: unknown, via: unknown): void;
  /** Called after each drain pass, with the queue empty or the actor held. */
  protected abstract settled(): void;
  protected abstract fail(err: unknown): void;
  /** A message came after the actor died (through `next`, not `send`): it becomes a dead letter. */
  protected abstract refused(kind: number, payload: unknown): void;
}
