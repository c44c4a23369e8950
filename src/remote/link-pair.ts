import { readScheduler } from '../check/read-scheduler.js';
import { readFields } from '../check/read-fields.js';
import { Subject, type SchedulerLike } from 'rxjs';
import type { Link } from './link.js';

/**
 * Options of `linkPair`.
 *
 * @example
 * ```ts
 * const [a, b] = linkPair({ scheduler: testScheduler });
 * ```
 */
export interface LinkPairOptions {
  /** Where a frame is delivered (with delay 0), default `asyncScheduler`: virtual under `TestScheduler.run`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Two connected links in one thread, for tests and for nodes that share a
 * process. A frame is structured-cloned when sent, as a worker thread would,
 * so what works over a pair works over threads; it arrives on a later
 * scheduler task, never inside `send`. Closing either end closes both, after
 * the frames already sent have arrived.
 *
 * @example
 * ```ts
 * const [a, b] = linkPair();
 * const left = connectNode({ name: 'left', link: a });
 * const right = connectNode({ name: 'right', link: b });
 * ```
 */
export function linkPair(options?: LinkPairOptions): [Link, Link] {
  const fields = readFields('linkPair', 'options', options, ['scheduler'], '{ scheduler }');
  const scheduler = readScheduler('linkPair', fields?.scheduler);
  const inboxes = [new Subject<unknown>(), new Subject<unknown>()] as const;
  let open = true;
  const close = (): void => {
    if (!open) return;
    open = false;
    // An orderly close: frames already sent arrive first, then both ends complete.
    scheduler.schedule(() => {
      inboxes[0].complete();
      inboxes[1].complete();
    });
  };
  const end = (to: 0 | 1): Link => ({
    send(frame: unknown): void {
      if (!open) return;
      const copy = structuredClone(frame);
      scheduler.schedule(() => inboxes[to].next(copy));
    },
    incoming$: inboxes[to === 0 ? 1 : 0].asObservable(),
    close,
  });
  return [end(1), end(0)];
}
