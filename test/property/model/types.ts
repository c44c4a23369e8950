// Vocabulary of the reference model of supervision. It is the model's own: the
// property specs translate the implementation's notifications into it, never
// the other way round, so the model stays independent of src/.

export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';
export type RestartType = 'permanent' | 'transient' | 'temporary';
export type ReasonKind = 'normal' | 'cancelled' | 'error';

/** A worker: in the implementation, a genServer driven by casts. */
export interface LeafSpec {
  readonly kind: 'leaf';
  readonly id: string;
  readonly restart: RestartType;
}

/**
 * Exponential backoff without jitter: the k-th consecutive restart of a
 * child waits `min(max, min * factor^(k-1))` ms.
 */
export interface BackoffSpec {
  readonly min: number;
  readonly max: number;
  readonly factor: number;
  /** How long an incarnation must run for k to start again from 1 (docs/design.md, "Supervision": default `max`). */
  readonly resetAfter: number;
}

/** A supervisor with its static children (the initial set of every incarnation). */
export interface SupSpec {
  readonly kind: 'sup';
  readonly id: string;
  readonly restart: RestartType;
  readonly strategy: Strategy;
  readonly intensity: number;
  readonly period: number;
  /** How many messages sent through a child's name are held while it is down. */
  readonly holdBound: number;
  /** No delay before restarts when absent. */
  readonly backoff?: BackoffSpec;
  readonly children: readonly NodeSpec[];
}

export type NodeSpec = LeafSpec | SupSpec;

/** What a leaf does when a cast reaches it. */
export type LeafAction = 'ping' | 'crash' | 'exit' | 'cancel';

/**
 * One scheduled event, at virtual time `at` (non-decreasing along a schedule).
 * - `cast`: a cast to the leaf's name. `crash` throws, `exit` stops normally,
 *   `cancel` stops with a cancelled reason; before doing so the leaf casts
 *   `burst` pings to its own name (they queue behind the fatal message).
 * - `stop`: the exported `stop(address, reason)` on any node, the root included.
 * - `add`: a new leaf spec emitted on a supervisor's spec source.
 * - `terminate` / `restart` / `delete`: the control calls on supervisor `sup`.
 */
export type Step =
  | {
      readonly at: number;
      readonly kind: 'cast';
      readonly target: string;
      readonly action: LeafAction;
      readonly burst: number;
    }
  | {
      readonly at: number;
      readonly kind: 'stop';
      readonly target: string;
      readonly reason: ReasonKind;
    }
  | { readonly at: number; readonly kind: 'add'; readonly sup: string; readonly spec: LeafSpec }
  | {
      readonly at: number;
      readonly kind: 'terminate' | 'restart' | 'delete';
      readonly sup: string;
      readonly id: string;
    };

/** One observable fact, in the order the root's stream must show it. */
export type TraceEntry =
  | { readonly t: number; readonly kind: 'started' }
  | {
      readonly t: number;
      readonly kind: 'child-started';
      readonly path: readonly string[];
      readonly inc: number;
    }
  | {
      readonly t: number;
      readonly kind: 'child-exited';
      readonly path: readonly string[];
      readonly inc: number;
      readonly reason: ReasonKind;
    }
  | {
      readonly t: number;
      readonly kind: 'restart';
      readonly path: readonly string[];
      readonly ids: readonly string[];
      readonly count: number;
    }
  | {
      readonly t: number;
      readonly kind: 'backoff';
      readonly path: readonly string[];
      readonly delay: number;
    }
  | { readonly t: number; readonly kind: 'give-up'; readonly path: readonly string[] }
  | {
      readonly t: number;
      readonly kind: 'refused';
      readonly path: readonly string[];
      readonly id: string;
    }
  | { readonly t: number; readonly kind: 'exit'; readonly reason: ReasonKind };

/**
 * Which incarnation of which child a name points at. `key` tells apart
 * incarnations under different incarnations of the supervisors above:
 * `s1#2/w3#1` is the first start of `w3` under the second start of `s1`;
 * `d1@2#1` the first start of the second spec added with id `d1`.
 */
export interface Incarnation {
  readonly path: readonly string[];
  readonly inc: number;
  readonly key: string;
}

/**
 * Where a message sent to a name ended: handled by an incarnation (the message
 * that crashed or stopped a leaf counts as handled), or a dead letter.
 */
export type Fate =
  { readonly kind: 'handled'; readonly by: Incarnation } | { readonly kind: 'dead' };

/**
 * The model's answer after one step: step 0 is the root's start, the last one
 * the end (the root is unsubscribed one ms after the last scheduled step).
 * A step's trace holds what timers did since the previous step, then what the
 * step did.
 */
export interface StepResult {
  readonly trace: readonly TraceEntry[];
  /** Registry contents at the quiet point after the step, by name. */
  readonly registry: ReadonlyMap<string, Incarnation>;
}

/**
 * How a control call answers: done, the supervisor is not running, it has
 * no child with that id, the child is running (restart / delete), or the
 * call found the supervisor's name pending with its hold full.
 */
export type Outcome = 'ok' | 'noproc' | 'no-such-child' | 'running' | 'overflow';

export interface ModelResult {
  readonly steps: readonly StepResult[];
  /** Fate of every message, keyed by `msgId(step, k)`. */
  readonly fates: ReadonlyMap<string, Fate>;
  /** The answer of every control step, by step index. */
  readonly outcomes: ReadonlyMap<number, Outcome>;
}

/**
 * The id of a message: `k = 0` is the cast a `cast` step makes, `k >= 1` the
 * k-th ping of its burst. Step indices count from 1 (0 is the root's start).
 */
export function msgId(step: number, k: number): string {
  return `${step}.${k}`;
}
