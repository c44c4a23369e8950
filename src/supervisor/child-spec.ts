import type { Observable } from 'rxjs';
import type { MailboxOptions } from '../mailbox/mailbox-options.js';

/**
 * When a child is restarted: `permanent` always, `transient` only after an
 * `error` exit (the default), `temporary` never.
 *
 * @example
 * ```ts
 * child('cache', start, { restart: 'permanent' });
 * ```
 */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/**
 * How long a child may take to stop before it is abandoned: ms, `'brutal_kill'`
 * (unsubscribed at once) or `'infinity'`. Default 5000 for workers, `'infinity'`
 * for supervisors.
 *
 * @example
 * ```ts
 * child('db', start, { shutdown: 10_000 });
 * ```
 */
export type Shutdown = number | 'brutal_kill' | 'infinity';

/**
 * One child of a supervisor.
 *
 * @example
 * ```ts
 * const spec: ChildSpec = { id: 'db', start: () => db.start(config), restart: 'permanent' };
 * ```
 */
export interface ChildSpec {
  /** Unique among its siblings; also its registry name unless `name` is given. */
  readonly id: string;
  /**
   * Called once per incarnation; returns a lifecycle stream (`def.start(args)`,
   * a supervisor) or any Observable (complete = `normal`, error = `error`, its
   * values on `published$`). A throw is an `error` exit.
   */
  readonly start: () => Observable<unknown>;
  /** Default `'transient'`. */
  readonly restart?: RestartType;
  /** Default 5000 ms for workers, `'infinity'` for supervisors. */
  readonly shutdown?: Shutdown;
  /** Picks the `shutdown` default; found from the stream when left out. */
  readonly type?: 'worker' | 'supervisor';
  /** With the supervisor's `autoShutdown`, this child's exit can end the supervisor. */
  readonly significant?: boolean;
  /** The name registered for it in the supervisor's registry (default: its id). */
  readonly name?: string;
  /** Bounds the mailbox of each incarnation (default: unbounded, or what its `start` set). */
  readonly mailbox?: MailboxOptions;
}
