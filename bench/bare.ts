// The bare limits rxotp is measured against: the least a serial mailbox can do.
//
// Queues are arrays written by index and reset by index, never by `length = 0`: setting the
// length to 0 frees V8's backing store, so the next push allocates a new one, which made a
// push-then-drain actor ~9× slower (≈ 100 ns instead of ≈ 11 ns per message on this machine).

/**
 * An array-queue actor: `send` appends, and drains synchronously into the reducer unless a
 * drain is already running further up the stack (then the message waits its turn).
 */
export class QueueActor<S, M> {
  state: S;
  private readonly queue: (M | undefined)[] = [];
  private head = 0;
  private tail = 0;
  private draining = false;

  constructor(
    private readonly reducer: (state: S, message: M) => S,
    initial: S,
  ) {
    this.state = initial;
  }

  send(message: M): void {
    this.queue[this.tail++] = message;
    if (!this.draining) this.drain();
  }

  private drain(): void {
    this.draining = true;
    const queue = this.queue;
    while (this.head < this.tail) {
      const message = queue[this.head] as M;
      queue[this.head++] = undefined;
      this.state = this.reducer(this.state, message);
    }
    this.head = this.tail = 0;
    this.draining = false;
  }
}

interface Drainable {
  drain(): void;
}

// One ready queue for every trampolined actor: a send made while any of them runs is queued,
// so two actors sending to each other loop here instead of growing the stack.
const ready: (Drainable | undefined)[] = [];
let readyHead = 0;
let readyTail = 0;
let running = false;

function schedule(actor: Drainable): void {
  ready[readyTail++] = actor;
  if (!running) flush();
}

function flush(): void {
  running = true;
  try {
    while (readyHead < readyTail) {
      const actor = ready[readyHead]!;
      ready[readyHead++] = undefined;
      actor.drain();
      // A ping-pong never empties the ready queue: move the live tail to the front now and then.
      if (readyHead >= 4096 && readyHead * 2 >= readyTail) {
        const live = readyTail - readyHead;
        for (let i = 0; i < live; i++) {
          ready[i] = ready[readyHead + i];
          ready[readyHead + i] = undefined;
        }
        readyHead = 0;
        readyTail = live;
      }
    }
    readyHead = readyTail = 0;
  } finally {
    running = false;
  }
}

/** A queue actor on a global trampoline: the bare form of rxotp's delivery rule. */
export class TrampolinedActor<S, M> implements Drainable {
  state: S;
  private readonly queue: (M | undefined)[] = [];
  private head = 0;
  private tail = 0;
  private scheduled = false;

  constructor(
    private readonly reducer: (state: S, message: M) => S,
    initial: S,
  ) {
    this.state = initial;
  }

  send(message: M): void {
    this.queue[this.tail++] = message;
    if (!this.scheduled) {
      this.scheduled = true;
      schedule(this);
    }
  }

  drain(): void {
    this.scheduled = false;
    const queue = this.queue;
    while (this.head < this.tail) {
      const message = queue[this.head] as M;
      queue[this.head++] = undefined;
      this.state = this.reducer(this.state, message);
    }
    this.head = this.tail = 0;
  }
}
