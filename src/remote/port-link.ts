import { Observable } from 'rxjs';
import { describe } from '../exit/describe.js';
import { hasMethods } from '../check/has-methods.js';
import type { Link } from './link.js';

/**
 * What `portLink` needs of a port: a `Worker`, a `MessagePort`, or a worker's
 * `parentPort` from `node:worker_threads` all fit.
 *
 * @example
 * ```ts
 * const port: LinkPort = new Worker('./node.js');
 * ```
 */
export interface LinkPort {
  /** Posts one structured-cloneable value. */
  postMessage(value: unknown): void;
  /** Adds a listener (`message`, `close`, `exit`). */
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  /** Removes a listener. */
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  /** A `MessagePort` closes. */
  close?(): void;
  /** A `Worker` terminates. */
  terminate?(): unknown;
}

/**
 * A link over a `node:worker_threads` port, so one machine's cores run nodes
 * with no server: the main thread links over its `Worker`, the worker over
 * its `parentPort`. The link closes when the port closes or the worker exits.
 * `close()` closes a port, or terminates a worker.
 *
 * @example
 * ```ts
 * // main thread
 * const node = connectNode({ name: 'main', link: portLink(new Worker('./worker.js')) });
 * // worker.js
 * connectNode({ name: 'worker', link: portLink(parentPort!), registry });
 * ```
 */
export function portLink(port: LinkPort): Link {
  if (!hasMethods(port, ['postMessage', 'on', 'off'])) {
    throw new TypeError(
      `portLink: port must be a Worker, a MessagePort or a parentPort from node:worker_threads, got ${describe(port)}.`,
    );
  }
  let closed = false;
  const incoming$ = new Observable<unknown>((subscriber) => {
    if (closed) {
      subscriber.complete();
      return;
    }
    const onMessage = (value: unknown): void => subscriber.next(value);
    const onClose = (): void => {
      closed = true;
      subscriber.complete();
    };
    port.on('message', onMessage);
    port.on('close', onClose);
    port.on('exit', onClose);
    return () => {
      port.off('message', onMessage);
      port.off('close', onClose);
      port.off('exit', onClose);
    };
  });
  return {
    send(frame: unknown): void {
      if (!closed) port.postMessage(frame);
    },
    incoming$,
    close(): void {
      if (closed) return;
      closed = true;
      if (port.close !== undefined) port.close();
      else void port.terminate?.();
    },
  };
}
