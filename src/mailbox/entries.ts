/**
 * @internal How a mailbox keeps its messages, and the one place that walks
 * them outside it: each entry is three slots of a flat array — kind, payload,
 * and the `via` address it was sent through (or `undefined`), kept so a
 * restart can carry name-addressed messages over (docs/design.md, "Mailbox
 * rules"). Flat slots cost no object per message on the cast path.
 */
export const SLOTS = 3;

/** @internal What `eachEntry` hands over for one message. */
export type Visit = (kind: number, payload: unknown, via: unknown) => void;

/**
 * @internal Hands each entry from slot `from` up to slot `to` of `queue` to
 * `visit`, in order, and clears its payload and via slots first (a visit
 * that keeps nothing lets them be collected).
 */
export function eachEntry(queue: unknown[], from: number, to: number, visit: Visit): void {
  for (let i = from; i < to; i += SLOTS) {
    const payload = queue[i + 1];
    const via = queue[i + 2];
    queue[i + 1] = queue[i + 2] = undefined;
    visit(queue[i] as number, payload, via);
  }
}

/** @internal Adds one entry at the end of `queue`. */
export function pushEntry(queue: unknown[], kind: number, payload: unknown, via: unknown): void {
  queue.push(kind, payload, via);
}
