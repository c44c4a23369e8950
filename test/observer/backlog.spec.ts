/**
 * A page that falls behind (its socket full) is sent nothing new until its
 * socket drains; then it gets what it missed as one merged frame, which leads
 * to the same view of the tree as every frame a page that kept up was sent.
 * A property over random streams of changes, with the slow page's socket
 * filling and draining at random points. The pages are streams whose writes
 * are recorded, exactly as a socket would deliver them.
 */
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import fc from 'fast-check';
import { ClientHub } from '../../src/observer/client-hub.js';
import type { ChangeMessage, EventView, NodeView } from '../../src/observer/views.js';
import { propertySettings } from '../property/settings.js';

/** A page's stream: keeps what is written; `full` makes a write say the socket is full. */
class Stream extends EventEmitter {
  readonly written: string[] = [];
  full = false;
  destroyed = false;
  writeHead(): this {
    return this;
  }
  write(chunk: string | Buffer): boolean {
    this.written.push(String(chunk));
    return !this.full;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
  /** The socket took everything. */
  drain(): void {
    this.full = false;
    this.emit('drain');
  }
  /** The change frames received, parsed. */
  changes(): ChangeMessage[] {
    return this.written
      .join('')
      .split('\n\n')
      .filter((block) => block.startsWith('event: change\n'))
      .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as ChangeMessage);
  }
}

const asResponse = (s: Stream): ServerResponse => s as unknown as ServerResponse;

/** The view a page builds from its frames: removed keys first, then the nodes, in order. */
function view(changes: readonly ChangeMessage[]): Map<string, NodeView> {
  const nodes = new Map<string, NodeView>();
  for (const c of changes) {
    for (const key of c.removed) nodes.delete(key);
    for (const n of c.nodes) nodes.set(n.key, n);
  }
  return nodes;
}

/** Events a page was sent, and how many it was told it missed. */
const eventTotal = (changes: readonly ChangeMessage[]): number =>
  changes.reduce((sum, c) => sum + c.events.length + c.skipped, 0);

const ids = ['a', 'b', 'c', 'd', 'e'] as const;
const key = (id: string): string => JSON.stringify([id]);
const node = (id: string, restarts: number): NodeView => ({
  key: key(id),
  path: [id],
  id,
  type: 'worker',
  status: restarts % 2 === 0 ? 'running' : 'restarting',
  restarts,
  incarnation: restarts + 1,
});
const event = (id: string, n: number): EventView => ({
  at: n,
  kind: 'restart',
  path: [id],
  incarnation: n,
  text: `restart ${n}`,
});

type Step =
  | {
      readonly kind: 'change';
      readonly nodes: readonly [string, number][];
      readonly removed: readonly string[];
      readonly events: number;
    }
  | { readonly kind: 'fill' }
  | { readonly kind: 'drain' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('change' as const),
      nodes: fc.array(fc.tuple(fc.constantFrom(...ids), fc.nat(50)), { maxLength: 4 }),
      removed: fc.array(fc.constantFrom(...ids), { maxLength: 2 }),
      events: fc.nat(30),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'fill' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'drain' as const }) },
);

describe('observe: a page that falls behind', () => {
  it('is sent one merged frame when it drains, leading to the same view as every frame', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        const hub = new ClientHub(Number.MAX_SAFE_INTEGER, () => undefined);
        const fast = new Stream();
        const slow = new Stream();
        hub.add(asResponse(fast), ['event: snapshot\ndata: {}\n\n']);
        hub.add(asResponse(slow), ['event: snapshot\ndata: {}\n\n']);
        let seq = 0;
        // Behind: a write found its socket full, and it has not drained since.
        let behind = false;
        for (const step of steps) {
          if (step.kind === 'fill') slow.full = true;
          else if (step.kind === 'drain') {
            const before = slow.changes().length;
            slow.drain();
            behind = false;
            // At most one frame for all it missed, however many there were.
            expect(slow.changes().length - before).toBeLessThanOrEqual(1);
          } else {
            const before = slow.changes().length;
            hub.broadcast({
              nodes: step.nodes.map(([id, n]) => node(id, n)),
              removed: step.removed.map(key),
              events: Array.from({ length: step.events }, () => event('a', seq++)),
              skipped: 0,
            });
            // A page that is behind is sent nothing new.
            if (behind) expect(slow.changes().length).toBe(before);
            if (slow.full) behind = true;
          }
        }
        slow.drain();
        expect(view(slow.changes())).toEqual(view(fast.changes()));
        // Events: the latest of those it missed, and a count of the rest.
        expect(eventTotal(slow.changes())).toBe(eventTotal(fast.changes()));
        const last = slow.changes().at(-1)?.events ?? [];
        const fastEvents = fast.changes().flatMap((c) => c.events);
        expect(fastEvents.slice(fastEvents.length - last.length)).toEqual(last);
        expect(slow.destroyed).toBe(false);
        hub.closeAll();
      }),
      propertySettings(61),
    );
  });

  it('merges a backlog into one view per child: the frame after a drain holds each child once', () => {
    const hub = new ClientHub(Number.MAX_SAFE_INTEGER, () => undefined);
    const slow = new Stream();
    hub.add(asResponse(slow), ['event: snapshot\ndata: {}\n\n']);
    slow.full = true;
    hub.broadcast({ nodes: [node('a', 1)], removed: [], events: [], skipped: 0 });
    for (let n = 2; n <= 100; n++)
      hub.broadcast({
        nodes: [node('a', n), node('b', n)],
        removed: [],
        events: [event('a', n)],
        skipped: 0,
      });
    hub.broadcast({ nodes: [], removed: [key('b')], events: [], skipped: 0 });
    expect(slow.changes()).toHaveLength(1);
    slow.drain();
    const merged = slow.changes().slice(1);
    expect(merged).toEqual([
      {
        nodes: [node('a', 100)],
        removed: [key('b')],
        events: Array.from({ length: 50 }, (_, i) => event('a', 51 + i)),
        skipped: 49,
      },
    ]);
    hub.closeAll();
  });
});
