import { until as waitUntil } from '../support.js';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';

/** One Server-Sent Events frame, its data parsed as JSON. */
export interface Frame {
  readonly event: string;
  readonly data: unknown;
}

/** How long a wait may take before it fails the test (the machine is shared and slow). */
export const WAIT_MS = 20_000;

/**
 * A minimal EventSource for tests: real HTTP, keeps every frame, and lets a
 * test wait for the first frame (past or future) that matches.
 */
export class SseClient {
  readonly frames: Frame[] = [];
  private readonly waiters = new Set<() => void>();
  private buffer = '';
  closed = false;

  private constructor(
    private readonly req: ClientRequest,
    readonly res: IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.feed(chunk));
    res.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Opens `url`'s event stream; resolves once the response headers are in. */
  static open(url: string): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request(`${url}events`, { agent: false }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`GET /events answered ${res.statusCode}`));
        else resolve(new SseClient(req, res));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** The first frame (from `from` on) that `match` accepts, waiting for it if need be. */
  async next(match: (f: Frame) => boolean, from = 0, what = 'a matching frame'): Promise<Frame> {
    let index = from;
    const found = (): Frame | undefined => {
      for (; index < this.frames.length; index++)
        if (match(this.frames[index]!)) return this.frames[index];
      return undefined;
    };
    await this.until(() => found() !== undefined || this.closed, what);
    const frame = found();
    if (frame === undefined) throw new Error(`the stream closed before ${what}`);
    return frame;
  }

  /** Waits until `condition` holds, re-checked on every frame. */
  until(condition: () => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; got ${this.frames.length} frames`));
      }, WAIT_MS);
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.req.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      let data: string | undefined;
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: '))
          data = (data === undefined ? '' : `${data}\n`) + line.slice(6);
      }
      if (data !== undefined) this.frames.push({ event, data: JSON.parse(data) as unknown });
    }
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Waits until `condition` holds: for state with no event to wait on. */
export const until = (condition: () => boolean, what: string): Promise<void> =>
  waitUntil(condition, what, WAIT_MS);
