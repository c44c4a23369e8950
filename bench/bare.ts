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

/**
 * A child spec of `BareTree`. A class rather than an `{ id, start }` literal: made once per
 * child, such a literal got a 256-byte property store from V8 here, which rxotp's specs do not.
 */
export class BareSpec<A> {
  constructor(
    readonly id: string,
    readonly start: () => A,
  ) {}
}

/** A child of `BareTree`: its spec, its actor once started, and its status. */
interface BareChild<A> {
  readonly id: string;
  readonly start: () => A;
  actor: A | null;
  status: 'starting' | 'running';
}

/**
 * The least a supervisor of named children can do: checks the initial specs together (a
 * repeated id refuses the whole set before anything starts), then starts each one, indexed by
 * id for control calls and registered by name, as rxotp does with a child's id by default.
 * Case 6 measures rxotp's tree against it: the two string indexes are the same work, the
 * rest is what rxotp adds.
 */
export class BareTree<A> {
  readonly children: BareChild<A>[] = [];
  readonly byId = new Map<string, BareChild<A>>();
  readonly names = new Map<string, A>();

  constructor(specs: readonly BareSpec<A>[]) {
    for (const { id, start } of specs) {
      const c: BareChild<A> = { id, start, actor: null, status: 'starting' };
      const size = this.byId.size;
      this.byId.set(id, c);
      if (this.byId.size === size) throw new Error(`repeated child id ${id}`);
      this.children.push(c);
    }
    for (const c of this.children) {
      const actor = c.start();
      if (this.names.has(c.id)) throw new Error(`name ${c.id} is taken`);
      this.names.set(c.id, actor);
      c.actor = actor;
      c.status = 'running';
    }
  }
}
