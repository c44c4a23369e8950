import type { Pid } from '../actor/pid.js';
import type { ChildSpecError } from '../errors/child-spec-error.js';
import type { MaxRestartsExceededError } from '../errors/max-restarts-exceeded-error.js';
import type { ExitReason } from '../exit/exit-reason.js';
import type { Registry } from '../registry/registry.js';

/**
 * What every supervision event carries.
 *
 * @example
 * ```ts
 * const where = (e: EventBase) => `${e.path.join('/')}#${e.incarnation}`;
 * ```
 */
export interface EventBase {
  /** Child ids from this stream's supervisor down to the subject of the event (`[]`: the supervisor itself). */
  readonly path: readonly string[];
  /** Which start of the child at `path` this is about (1 = its first start; 0 for a refused spec). */
  readonly incarnation: number;
}

/**
 * A supervision event, emitted synchronously with the transition it reports,
 * after the registry reflects it. A supervisor re-emits its nested
 * supervisors' events with their path prefixed.
 *
 * @example
 * ```ts
 * tree$.subscribe((e) => e.kind === 'restart' && console.log(e.path.join('/'), e.count));
 * ```
 */
export type SupervisorEvent =
  | (EventBase & { readonly kind: 'child-started'; readonly pid: Pid })
  | (EventBase & {
      readonly kind: 'child-exited';
      /** Absent when `start` threw before there was a pid. */
      readonly pid: Pid | undefined;
      readonly reason: ExitReason;
    })
  | (EventBase & {
      readonly kind: 'restart';
      /** The children being restarted, in start order. */
      readonly ids: readonly string[];
      /** How many times the child at `path` has been restarted in this supervisor incarnation. */
      readonly count: number;
    })
  | (EventBase & { readonly kind: 'backoff'; /** ms before the restart. */ readonly delay: number })
  | (EventBase & { readonly kind: 'refused'; readonly error: ChildSpecError })
  /** Its spec is gone: a temporary child that exited, a `deleteChild`, a temporary one dropped by a group restart. */
  | (EventBase & { readonly kind: 'child-removed' })
  | (EventBase & { readonly kind: 'give-up'; readonly error: MaxRestartsExceededError });

/**
 * What a supervisor's stream emits: `started` (with its registry), its
 * subtree's events, then `exit`.
 *
 * @example
 * ```ts
 * of(a, b).pipe(oneForOne()).subscribe((n) => {
 *   if (n.kind === 'started') console.log(n.registry.whereis('a'));
 * });
 * ```
 */
export type SupervisorNotification =
  | { readonly kind: 'started'; readonly pid: Pid; readonly registry: Registry }
  | { readonly kind: 'exit'; readonly pid: Pid; readonly reason: ExitReason }
  | SupervisorEvent;

/**
 * One child as `whichChildren` reports it.
 *
 * @example
 * ```ts
 * for (const c of await whichChildren(sup)) console.log(c.id, c.status, c.restarts);
 * ```
 */
export interface ChildInfo {
  readonly id: string;
  /** Its current incarnation's pid, while it has one. */
  readonly pid: Pid | undefined;
  readonly type: 'worker' | 'supervisor';
  readonly restart: 'permanent' | 'transient' | 'temporary';
  readonly status: 'starting' | 'running' | 'stopping' | 'restarting' | 'backoff' | 'terminated';
  /** Restarts in this supervisor incarnation. */
  readonly restarts: number;
  /** Starts so far (1 = first). */
  readonly incarnation: number;
  /** Messages waiting in its mailbox now. */
  readonly queued: number;
}

/**
 * Child counts, as `countChildren` reports them.
 *
 * @example
 * ```ts
 * const { active } = await countChildren(sup);
 * ```
 */
export interface ChildCounts {
  /** All specs. */
  readonly specs: number;
  /** Children with a live incarnation. */
  readonly active: number;
  readonly supervisors: number;
  readonly workers: number;
}
