/// <reference types="node" />
import type { ServerResponse } from 'node:http';
import { interval, type Subscription } from 'rxjs';

/** How often an idle stream gets a comment line, so a page that vanished is noticed. */
const HEARTBEAT_MS = 15_000;

/** @internal One Server-Sent Events frame. */
export const frame = (event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * @internal The pages watching, each an open event stream. Every write is
 * bounded: a page whose unsent backlog is already over `maxBuffered` bytes is
 * dropped (its browser reconnects and starts again from a snapshot), so a
 * slow page never makes the app buffer without limit. A page that closes is
 * forgotten at once.
 */
export class ClientHub {
  /** Each page's stream and its bound: `maxBuffered` past its snapshot, which may be larger. */
  private readonly clients = new Map<ServerResponse, number>();
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
    for (const part of first) res.write(part);
    // Whatever of the snapshot the socket has not taken yet is allowed on top of the bound.
    this.clients.set(res, res.writableLength + this.maxBuffered);
    res.on('close', () => this.drop(res));
    if (this.clients.size === 1) {
      this.heartbeat = interval(HEARTBEAT_MS).subscribe(() => this.broadcast(': heartbeat\n\n'));
      this.onWatched(true);
    }
  }

  broadcast(chunk: string): void {
    for (const [res, limit] of this.clients) {
      // Checked before writing, so a page holds at most its bound plus one frame.
      if (res.writableLength > limit) {
        res.destroy();
        this.drop(res);
      } else {
        res.write(chunk);
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

  private drop(res: ServerResponse): void {
    if (!this.clients.delete(res)) return;
    if (this.clients.size === 0) {
      this.heartbeat?.unsubscribe();
      this.heartbeat = undefined;
      this.onWatched(false);
    }
  }
}
