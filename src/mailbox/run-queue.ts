/**
 * The delivery rule, in one place.
 *
 * A send to an idle actor is handled before `send` returns, unless an rxotp
 * callback (a handler, `init`, `terminate`, a supervisor transition, or the
 * event and registry emissions it makes) is already running further up the
 * stack. Then the actor is put on the ready queue and drained when the
 * outermost callback returns. No handler ever runs inside another one, and a
 * million-message ping-pong runs in this loop, not on the stack.
 */

/** The part of a mailbox the run queue drives. */
export interface Drainable {
  drain(): void;
}

let depth = 0;
// The ready queue: a ring buffer that grows by doubling, so a ping-pong that
// never stops runs in constant memory.
let ring: (Drainable | undefined)[] = new Array<Drainable | undefined>(256).fill(undefined);
let mask = 255;
let head = 0;
let size = 0;

/** @internal Marks the start of an rxotp callback: sends made until `leave` are queued. */
export function enter(): void {
  depth++;
}

/** @internal Marks its end; the outermost `leave` delivers what was queued meanwhile. */
export function leave(): void {
  if (--depth === 0 && size > 0) flush();
}

/**
 * @internal The fast path of a send: when nothing runs, claims the loop so the
 * caller can hand the message straight to its actor. `false` when something runs.
 */
export function claim(): boolean {
  if (depth !== 0) return false;
  depth = 1;
  return true;
}

/** @internal Ends a `claim`: delivers what the handler queued meanwhile. */
export function release(): void {
  depth = 0;
  if (size > 0) flush();
}

/** @internal Puts a mailbox with work on the ready queue; drains at once when nothing runs. */
export function schedule(box: Drainable): void {
  if (size > mask) grow();
  ring[(head + size) & mask] = box;
  size++;
  if (depth === 0) flush();
}

function grow(): void {
  const next = new Array<Drainable | undefined>(ring.length * 2).fill(undefined);
  for (let i = 0; i < size; i++) next[i] = ring[(head + i) & mask];
  ring = next;
  mask = next.length - 1;
  head = 0;
}

function flush(): void {
  depth++;
  try {
    while (size > 0) {
      const box = ring[head]!;
      ring[head] = undefined;
      head = (head + 1) & mask;
      size--;
      box.drain();
    }
  } finally {
    depth--;
  }
}
