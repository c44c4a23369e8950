import type { Observable, SchedulerLike } from 'rxjs';
import type { Pid } from '../actor/pid.js';
import { holds } from '../check/holds.js';
import { readScheduler } from '../check/read-scheduler.js';
import { readFields } from '../check/read-fields.js';
import type { NodeDownError } from '../errors/node-down-error.js';
import { describe } from '../exit/describe.js';
import { Registry } from '../registry/registry.js';
import { checkHeartbeat } from './check-heartbeat.js';
import { Connection } from './connection.js';
import type { Link } from './link.js';

/**
 * Options of `connectNode`.
 *
 * @example
 * ```ts
 * connectNode({ name: 'api', link, registry, heartbeat: { interval: 500, missed: 4 } });
 * ```
 */
export interface NodeOptions {
  /** This node's name, as the peer's pids show it (`<pid 3@api>`). */
  readonly name: string;
  /** The link to the peer node. */
  readonly link: Link;
  /** The names the peer may look up (default: a fresh `Registry`, as `node.registry`). */
  readonly registry?: Registry;
  /**
   * Liveness: a heartbeat every `interval` ms (default 1000); the peer is down
   * after `missed` intervals (default 3) with no frame from it. `false` turns
   * heartbeats off (then only a closed link means node down).
   */
  readonly heartbeat?: { readonly interval?: number; readonly missed?: number } | false;
  /** The scheduler heartbeats run on (default `asyncScheduler`, virtual under `TestScheduler.run`). */
  readonly scheduler?: SchedulerLike;
}

/**
 * This node, connected to one peer node over a link. Its `registry`'s local
 * actors are reachable from the peer; `whereis` finds the peer's.
 *
 * @example
 * ```ts
 * const db = await node.whereis('db');
 * if (db) await call(db, { get: 'k' });
 * ```
 */
export interface ConnectedNode {
  /** This node's name. */
  readonly name: string;
  /** The peer's name, once its greeting arrived. */
  readonly peer: string | undefined;
  /** The names the peer can look up here. */
  readonly registry: Registry;
  /**
   * Looks `name` up in the peer's registry: a remote `Pid` (the same object
   * for the same incarnation while it lives), or `undefined`. Rejects with
   * `NodeDownError` when the peer is lost.
   */
  whereis(name: string): Promise<Pid | undefined>;
  /** `whereis` as a cold Observable: each subscription asks once, emits the answer and completes. */
  whereis$(name: string): Observable<Pid | undefined>;
  /**
   * A local `Registry` that mirrors the peer's: each name the peer registers
   * (for a pid of its own) appears here with its remote pid, shortly after,
   * and goes when the peer unregisters it, the pid exits or the peer is lost.
   * So `via(node.remoteRegistry(), 'db')` follows a supervised child across
   * restarts on the peer, and `whereis`, `whereis$` and `entries$` work as on
   * any registry. A send through a name between two incarnations is a dead
   * letter (`NoProcError`): messages are not held across nodes. Names
   * registered here by hand stay local. The same registry on every call.
   */
  remoteRegistry(): Registry;
  /** Emits the `NodeDownError` once the peer is lost (at once if it already is), then completes. */
  readonly down$: Observable<NodeDownError>;
  /** Counters: frames from the peer dropped because they failed validation (each also reported). */
  stats(): { readonly badFrames: number };
  /** Says goodbye and closes the link: the peer's pids exit here with `NodeDownError`, and ours there. */
  close(): void;
}

/**
 * Connects this process to a peer node over `link`. Local actors registered in
 * `registry` become reachable from the peer, and the peer's names resolve to
 * remote pids that `send`, `cast`, `call`, `call$`, `stop` and `exit$` accept
 * unchanged. Messages, requests, replies and stop reasons cross the link by
 * structured clone: a message that cannot be cloned fails at `send` with a
 * `TypeError` and nothing is sent. Errors cross as `{ name, message }`
 * (rxotp's own errors come back as their classes).
 *
 * @example
 * ```ts
 * const [a, b] = linkPair();
 * const server = connectNode({ name: 'server', link: a });
 * server.registry.register('counter', spawn(counter, 0));
 * const client = connectNode({ name: 'client', link: b });
 * const counterPid = await client.whereis('counter');
 * await call(counterPid!, 'get');
 * ```
 */
export function connectNode(options: NodeOptions): ConnectedNode {
  const like = "{ name: 'a', link }";
  const fields = readFields(
    'connectNode',
    'options',
    options,
    ['name', 'link', 'registry', 'heartbeat', 'scheduler'],
    like,
  );
  if (fields === undefined) {
    throw new TypeError(`connectNode: options must be an object like ${like}, got undefined.`);
  }
  const { name, heartbeat } = fields;
  const link = fields.link as Link;
  const registry = (fields.registry === undefined ? new Registry() : fields.registry) as Registry;
  if (typeof name !== 'string' || name === '' || name.length > 256) {
    throw new TypeError(
      `connectNode: options.name must be a string of 1 to 256 characters, got ${describe(name)}.`,
    );
  }
  if (
    !holds(() => typeof link.send === 'function' && typeof link.incoming$.subscribe === 'function')
  ) {
    throw new TypeError(
      `connectNode: options.link must be a Link (linkPair(), portLink(port), natsLink(...)), got ${describe(link)}.`,
    );
  }
  if (!holds(() => registry instanceof Registry)) {
    throw new TypeError(
      `connectNode: options.registry must be a Registry, got ${describe(registry)}.`,
    );
  }
  const scheduler = readScheduler('connectNode', fields.scheduler);
  const beat = heartbeat === false ? null : checkHeartbeat('connectNode', heartbeat);
  const connection = new Connection(name, link, registry, {});
  if (beat !== null) connection.beat(scheduler, beat.interval, beat.missed);
  return connection;
}
