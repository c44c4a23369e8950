import type { Observable } from 'rxjs';

/**
 * A two-way channel between two nodes. Frames are plain structured-cloneable
 * values; a link keeps their order and delivers each at most once. Any
 * transport fits: worker threads (`portLink`), an in-process pair
 * (`linkPair`), NATS (`natsLink`).
 *
 * @example
 * ```ts
 * const [a, b] = linkPair();
 * a.incoming$.subscribe((frame) => console.log('b said', frame));
 * b.send({ hello: 1 });
 * ```
 */
export interface Link {
  /**
   * Sends one frame to the other end. Throws (and sends nothing) when the
   * frame cannot be structured-cloned; a frame sent after the link closed is
   * dropped.
   */
  send(frame: unknown): void;
  /** Frames from the other end, in order; completes when the link closes. */
  readonly incoming$: Observable<unknown>;
  /** Closes this end: `incoming$` completes here and, where the transport tells it, there. */
  close(): void;
}
