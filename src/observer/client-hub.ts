/// <reference types="node" />
import type { ServerResponse } from 'node:http';
import { interval, type Subscription } from 'rxjs';
import type { ChangeMessage, EventView, NodeView } from './views.js';

/** How often an idle stream gets a comment line, so a page that vanished is noticed. */
const HEARTBEAT_MS = 15_000;
/** Events a page that fell behind is sent when it catches up: the latest, as in any frame. */
const MAX_BACKLOG_EVENTS = 50;

/** @internal One Server-Sent Events frame. */
export const frame = (event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** What a page that is behind has not been sent yet, merged: one view per node, the latest. */
interface Backlog {
  readonly nodes: Map<string, NodeView>;
  readonly removed: Set<string>;
  events: EventView[];
  skipped: number;
  /** Bytes of frames it missed since it fell behind. */
  missed: number;
}

/**
 * @internal The pages watching, each an open event stream. Each page is sent
 * frames while its socket takes them; once a write finds its buffer full, the
 * page is behind: later frames are merged into one backlog for it (the latest
 * view of each node, the latest events), sent as one frame when its socket
 * drains. A page so costs at most one frame in flight plus one view per node,
 * however slow it is, and never holds the others up. A page that stays behind
 * while more than `maxBuffered` bytes of frames go by is dropped (its browser
 * reconnects and starts again from a snapshot). A page that closes is
 * forgotten at once.
 */
export class ClientHub {
  /** Each page's stream, and its backlog while it is behind. */
  private readonly clients = new Map<ServerResponse, Backlog | undefined>();
  private heartbeat: Subscription | undefined;

  constructor(
    private readonly maxBuffered: number,
    /** Told when the first page comes and when the last one goes. */
    private readonly onWatched: (watched: boolean) => void,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  /** Opens `res` as an event stream whose first frame is `first` (its parts, in order). */
  add(res: ServerResponse, first: readonly (string | Buffer)[]): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    // A dropped page comes back after `retry` ms, and gets a fresh snapshot.
    res.write('retry: 2000\n\n');
    // A shared buffer is not copied: many pages cost one snapshot.
    let full = false;
    for (const part of first) full = !res.write(part) || full;
    this.clients.set(res, full ? backlog() : undefined);
    res.on('drain', () => this.drained(res));
    res.on('close', () => this.drop(res));
    if (this.clients.size === 1) {
      this.heartbeat = interval(HEARTBEAT_MS).subscribe(() => {
        for (const [page, behind] of this.clients)
          if (behind === undefined) page.write(': heartbeat\n\n');
      });
      this.onWatched(true);
    }
  }

  /** Sends `change` to every page that keeps up, and merges it into the backlog of each that does not. */
  broadcast(change: ChangeMessage): void {
    let chunk: string | undefined;
    for (const [res, behind] of this.clients) {
      chunk ??= frame('change', change);
      if (behind === undefined) {
        if (!res.write(chunk)) this.clients.set(res, backlog());
        continue;
      }
      behind.missed += chunk.length;
      if (behind.missed > this.maxBuffered) {
        res.destroy();
        this.drop(res);
        continue;
      }
      for (const key of change.removed) {
        behind.nodes.delete(key);
        behind.removed.add(key);
      }
      for (const n of change.nodes) behind.nodes.set(n.key, n);
      behind.events.push(...change.events);
      behind.skipped += change.skipped;
      const over = behind.events.length - MAX_BACKLOG_EVENTS;
      if (over > 0) {
        behind.events = behind.events.slice(over);
        behind.skipped += over;
      }
    }
  }

  /** Ends every stream. */
  closeAll(): void {
    for (const res of [...this.clients.keys()]) {
      res.destroy();
      this.drop(res);
    }
  }

  /** A page's socket took everything: it gets what it missed, as one frame. */
  private drained(res: ServerResponse): void {
    const behind = this.clients.get(res);
    if (behind === undefined) return;
    const { nodes, removed, events, skipped } = behind;
    if (nodes.size === 0 && removed.size === 0 && events.length === 0) {
      this.clients.set(res, undefined);
      return;
    }
    const change: ChangeMessage = {
      nodes: [...nodes.values()],
      removed: [...removed],
      events,
      skipped,
    };
    this.clients.set(res, res.write(frame('change', change)) ? undefined : backlog());
  }

  private drop(res: ServerResponse): void {
    if (!this.clients.delete(res)) return;
    if (this.clients.size === 0) {
      this.heartbeat?.unsubscribe();
      this.heartbeat = undefined;
      this.onWatched(false);
    }
  }
}

const backlog = (): Backlog => ({
  nodes: new Map(),
  removed: new Set(),
  events: [],
  skipped: 0,
  missed: 0,
});
