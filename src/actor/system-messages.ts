import type { ExitReason } from '../exit/exit-reason.js';
import type { Pid } from './pid.js';

/**
 * What `ctx.monitor` returns: the handle of one monitor, carried by its down
 * message and taken by `ctx.demonitor`.
 *
 * @example
 * ```ts
 * const ref: MonitorRef = ctx.monitor(worker);
 * ctx.demonitor(ref);
 * ```
 */
export interface MonitorRef {
  /** A number unique to this monitor in this process. */
  readonly id: number;
  /** The pid it watches. */
  readonly pid: Pid;
}

/**
 * The message `handleInfo` gets when a monitored actor exits (Erlang's
 * `{'DOWN', Ref, process, Pid, Reason}`): at once for a pid that has already
 * exited, with `NodeDownError` for a pid of a node that was lost.
 *
 * @example
 * ```ts
 * handleInfo: (msg: DownMessage, n: number) => (msg.kind === 'down' ? n - 1 : n),
 * ```
 */
export interface DownMessage {
  readonly kind: 'down';
  /** The monitor that fired (what `ctx.monitor` returned). */
  readonly ref: MonitorRef;
  /** The actor that exited. */
  readonly pid: Pid;
  /** Why it exited. */
  readonly reason: ExitReason;
}

/**
 * The message a behaviour with `trapExit: true` gets in `handleInfo` when an
 * actor it spawned exits, whatever the reason (Erlang's `{'EXIT', Pid, Reason}`).
 *
 * @example
 * ```ts
 * handleInfo: (msg: ExitMessage, kids: number) => (msg.kind === 'exit' ? kids - 1 : kids),
 * ```
 */
export interface ExitMessage {
  readonly kind: 'exit';
  /** The linked actor that exited. */
  readonly pid: Pid;
  /** Why it exited. */
  readonly reason: ExitReason;
}

/**
 * The message `handleInfo` gets when a result made with `next(state, { timeout })`
 * saw no message arrive within `after` ms (OTP's `timeout`).
 *
 * @example
 * ```ts
 * handleInfo: (msg: TimeoutMessage, s: State) => (msg.kind === 'timeout' ? flush(s) : s),
 * ```
 */
export interface TimeoutMessage {
  readonly kind: 'timeout';
  /** The idle time asked for, in ms. */
  readonly after: number;
}

/**
 * The messages rxotp itself delivers to `handleInfo`: down messages of
 * monitors, exit messages of links (with `trapExit`), and idle timeouts.
 *
 * @example
 * ```ts
 * function describeInfo(msg: SystemMessage): string {
 *   return msg.kind === 'timeout' ? `idle ${msg.after} ms` : `${String(msg.pid)} exited`;
 * }
 * ```
 */
export type SystemMessage = DownMessage | ExitMessage | TimeoutMessage;
