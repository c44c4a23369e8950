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
let ready: (Drainable | undefined)[] = [];
let head = 0;

/** @internal Marks the start of an rxotp callback: sends made until `leave` are queued. */
export function enter(): void {
  depth++;
}

/** @internal Marks its end; the outermost `leave` delivers what was queued meanwhile. */
export function leave(): void {
  if (--depth === 0 && head < ready.length) flush();
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
  if (head < ready.length) flush();
}

/** @internal Puts a mailbox with work on the ready queue; drains at once when nothing runs. */
export function schedule(box: Drainable): void {
  ready.push(box);
  if (depth === 0) flush();
}

function flush(): void {
  depth++;
  try {
    while (head < ready.length) {
      const box = ready[head]!;
      ready[head++] = undefined;
      box.drain();
      // A long ping-pong appends one entry per message: drop the consumed prefix now and then.
      if (head >= 4096 && head * 2 >= ready.length) {
        ready = ready.slice(head);
        head = 0;
      }
    }
    ready.length = 0;
    head = 0;
  } finally {
    depth--;
  }
}
