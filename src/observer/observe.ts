/// <reference types="node" />
import type { AddressInfo } from 'node:net';
import { asyncScheduler, isObservable, type Subscription } from 'rxjs';
import { isPid, isVia } from '../actor/address.js';
import { describe } from '../exit/describe.js';
import { holds } from '../check/holds.js';
import { readFields } from '../check/read-fields.js';
import { scheduleEvery } from '../time/schedule-every.js';
import { ClientHub } from './client-hub.js';
import { observerServer } from './server.js';
import { TreeModel } from './tree-model.js';
import { watchTree, type ObserveSource } from './watch-tree.js';

/** How long a snapshot made while nothing changed is served before it is made again (ms). */
const SNAPSHOT_MAX_AGE = 1000;

/**
 * Options of `observe`.
 *
 * @example
 * ```ts
 * const observer = observe(tree$, { port: 4000, showMessages: true });
 * ```
 */
export interface ObserveOptions {
  /** The port to listen on. `0`, the default, takes a free one: read `url` once `ready`. */
  readonly port?: number;
  /** The interface to listen on: `'127.0.0.1'` by default, so only this machine can look. */
  readonly host?: string;
  /**
   * Whether the page shows message contents: the messages of a child's lost
   * messages (dead letters). Off by default, since messages may hold secrets;
   * the page then shows only their kind and why they were lost. Exit reasons
   * (`formatExit`: an error's name and message) are always shown. Mailbox
   * contents and actor state are never shown.
   */
  readonly showMessages?: boolean;
  /**
   * How far a page may fall behind before it is dropped: the bytes of frames
   * that go by while its socket takes nothing. A page that is behind is sent
   * nothing new; what it missed is merged (one view per child) and sent as one
   * frame once its socket drains, so a slow page costs bounded memory and
   * holds no other page up. A dropped page's browser reconnects and starts
   * from a fresh snapshot. Default 1 MiB.
   */
  readonly maxBuffered?: number;
  /**
   * While at least one page is open, every supervisor's children are read
   * this often (ms; synchronously, with `childrenOf`: no message to the tree),
   * for what events do not carry: mailbox depths and restart types. Default
   * 1000; `Infinity` never.
   */
  readonly refreshInterval?: number;
}

/**
 * A running observer, as `observe` returns it.
 *
 * @example
 * ```ts
 * const observer = observe(tree$);
 * console.log(`observer at ${await observer.ready}`);
 * process.on('SIGINT', () => void observer.close());
 * ```
 */
export interface ObserverHandle {
  /**
   * The page's address once the server listens. Rejects if it cannot (the
   * port is taken, say): handle that, as with a server's `error` event, or the
   * rejection goes unhandled.
   */
  readonly ready: Promise<string>;
  /** The page's address (`http://127.0.0.1:4000/`), or `undefined` until the server listens. */
  readonly url: string | undefined;
  /** How many pages are watching now. */
  readonly clients: number;
  /**
   * Stops the observer: ends every page's stream, closes the server and
   * unsubscribes from the tree. A tree stream that `observe` subscribed is
   * thereby torn down (unsubscribing cancels it); a supervisor given by pid or
   * `via` is left running. Resolves once the server is closed; calling it
   * again gives the same Promise.
   */
  close(): Promise<void>;
}

/**
 * Serves a live picture of a supervision tree on a small HTTP server: one
 * page, fed by Server-Sent Events, that draws every supervisor and worker
 * with its restart type, state, restart count, incarnation and mailbox depth,
 * flashes restarts, counts backoff waits down, shows give-ups and each
 * child's recent exits. Read-only; bound to 127.0.0.1 unless told otherwise.
 *
 * `source` is either the tree's notification stream, which `observe`
 * subscribes (so it runs the tree, and `close` tears it down), or a running
 * supervisor's pid or `via` address (followed across its restarts through
 * `via`), which it only watches.
 *
 * @example
 * ```ts
 * import { observe } from 'rxotp/observer';
 *
 * const observer = observe(tree$, { port: 4000 });
 * console.log(await observer.ready); // http://127.0.0.1:4000/
 * // ...
 * await observer.close(); // and the tree with it
 * ```
 */
export function observe(source: ObserveSource, options: ObserveOptions = {}): ObserverHandle {
  checkSource(source);
  const read =
    readFields(
      'observe',
      'options',
      options,
      ['port', 'host', 'showMessages', 'maxBuffered', 'refreshInterval'],
      '{ port: 4000 }',
    ) ?? {};
  const {
    port = 0,
    host = '127.0.0.1',
    showMessages = false,
    maxBuffered = 1024 * 1024,
    refreshInterval = 1000,
  } = read as ObserveOptions;
  const number = (option: string, ok: (n: number) => boolean, want: string, got: unknown): void => {
    if (typeof got !== 'number') {
      throw new TypeError(`observe: ${option} must be ${want}, got ${describe(got)}.`);
    }
    if (!ok(got)) throw new RangeError(`observe: ${option} must be ${want}, got ${got}.`);
  };
  number(
    'port',
    (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
    'an integer from 0 to 65535',
    port,
  );
  if (typeof host !== 'string' || host === '') {
    throw new TypeError(`observe: host must be a non-empty string, got ${describe(host)}.`);
  }
  if (typeof showMessages !== 'boolean') {
    throw new TypeError(`observe: showMessages must be a boolean, got ${describe(showMessages)}.`);
  }
  number('maxBuffered', (n) => n >= 0, 'a number of bytes >= 0', maxBuffered);
  number(
    'refreshInterval',
    (n) => n > 0,
    'a number of ms > 0 (Infinity: never refresh)',
    refreshInterval,
  );
  const title = isObservable(source)
    ? 'root'
    : 'registry' in source
      ? source.name
      : (source.name ?? String(source));
  const model = new TreeModel(title, showMessages);
  let poll: Subscription | undefined;
  let closing: Promise<void> | undefined;
  const hub = new ClientHub(maxBuffered, (watched) => {
    watch.setActive(watched);
    poll?.unsubscribe();
    poll = watched
      ? scheduleEvery(asyncScheduler, refreshInterval, () => watch.refresh())
      : undefined;
  });
  /** Counts frames sent: a snapshot made since the last one is still current. */
  let version = 0;
  const watch = watchTree(source, model, (change) => {
    version++;
    if (hub.size > 0) hub.broadcast(change);
  });
  /**
   * The snapshot as JSON bytes, made at most once per frame (and per second
   * while nothing changes, for backoff countdowns) and shared by every
   * reader: one buffer however many sockets send it.
   */
  let cached: { version: number; at: number; json: Buffer } | undefined;
  const snapshot = (): Buffer => {
    watch.flush();
    const at = Date.now();
    if (cached === undefined || cached.version !== version || at - cached.at >= SNAPSHOT_MAX_AGE) {
      cached = { version, at, json: Buffer.from(JSON.stringify(model.snapshot(title))) };
    }
    return cached.json;
  };

  const server = observerServer({
    host,
    snapshot,
    watch(res) {
      // Closing: the server may still take a request before it stops listening.
      if (closing !== undefined) return void res.destroy();
      // Whatever waits for the next frame goes to the pages already open first,
      // so the new page's snapshot and the frames after it do not overlap.
      const json = snapshot();
      hub.add(res, ['event: snapshot\ndata: ', json, '\n\n']);
      // The snapshot is current as far as events go; this brings mailbox depths up to date.
      watch.refresh();
    },
  });

  let url: string | undefined;
  const ready = new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const { port: bound } = server.address() as AddressInfo;
      url = `http://${urlHost(host)}:${bound}/`;
      resolve(url);
    });
  });

  return {
    ready,
    get url() {
      return url;
    },
    get clients() {
      return hub.size;
    },
    close() {
      if (closing !== undefined) return closing;
      watch.stop();
      poll?.unsubscribe();
      hub.closeAll();
      // A server still starting to listen is closed once it listens.
      closing = ready.then(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
        () => undefined,
      );
      return closing;
    },
  };
}

function checkSource(source: unknown): asserts source is ObserveSource {
  if (holds(() => isObservable(source) || isPid(source) || isVia(source))) return;
  throw new TypeError(
    'observe: source must be a tree (the Observable a supervisor operator returns), ' +
      `a supervisor's pid, or a via(registry, name) address naming one; got ${describe(source)}.`,
  );
}

/** How the address is written in a URL: an unspecified address means this machine. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
