import type { ChildInfo, ExitReason, RestartType } from '../index.js';

/** @internal A child's status as its supervisor reports it (`terminated` is shown as "down"). */
export type Status = ChildInfo['status'];

/** @internal One exit of a child, as the page lists it. */
export interface ExitView {
  /** Wall-clock time (ms since the epoch) it was seen. */
  readonly at: number;
  readonly incarnation: number;
  readonly kind: ExitReason['kind'];
  /** `formatExit` of the reason. */
  readonly reason: string;
}

/** @internal A message that reached no actor, attributed to the child it was meant for. */
export interface LostView {
  readonly at: number;
  readonly kind: 'info' | 'cast' | 'call';
  /** `formatExit` of why it was lost. */
  readonly reason: string;
  /** A short preview of the message, only with `showMessages: true`. */
  readonly message?: string;
}

/** @internal A supervisor's give-up: which child asked for one restart too many. */
export interface GiveUpView {
  readonly at: number;
  readonly childId: string;
  readonly restarts: number;
  readonly period: number;
}

/**
 * @internal One node of the tree as the page draws it (the root has `path: []`).
 * A field at its default (`null`, `0`, none) is left out.
 */
export interface NodeView {
  /** `JSON.stringify(path)`: ids are any string, so joining them could collide. */
  readonly key: string;
  readonly path: readonly string[];
  readonly id: string;
  readonly type: 'worker' | 'supervisor';
  /** Absent for the root and for a child not yet reported by its supervisor. */
  readonly restart?: RestartType;
  readonly status: Status;
  /** Restarts in its supervisor's current incarnation. */
  readonly restarts: number;
  /** Starts so far (1 = first); 0 before the first start is known. */
  readonly incarnation: number;
  /** Mailbox depth at the last refresh; absent when not known. */
  readonly queued?: number;
  /** The current incarnation's pid, as `String(pid)`; absent while it has none. */
  readonly pid?: string;
  /** ms left of a backoff wait when this view was made; absent when not waiting. */
  readonly backoffLeft?: number;
  /** The whole backoff wait in ms. */
  readonly backoffDelay?: number;
  /** Set on a supervisor that gave up. */
  readonly gaveUp?: GiveUpView;
  /**
   * Its latest exit, and how many it has had (absent: none). A snapshot of a
   * big tree carries the latest exit only for the 1,000 nodes changed most
   * recently; a page keeps the last few it has seen.
   */
  readonly exits?: readonly ExitView[];
  readonly exitCount?: number;
  /** Its latest lost message, as with `exits`, and how many in all. */
  readonly lost?: readonly LostView[];
  readonly lostCount?: number;
}

/** @internal One supervision event, as the page's log shows it. */
export interface EventView {
  readonly at: number;
  readonly kind: string;
  readonly path: readonly string[];
  readonly incarnation: number;
  /** One line describing it. */
  readonly text: string;
  /** `restart`: the ids restarted (siblings of the last path element). */
  readonly ids?: readonly string[];
  /** `give-up`: the child that asked for one restart too many. */
  readonly childId?: string;
}

/**
 * @internal The first message on a page's stream: the tree as it is now, its
 * nodes in tree order (a parent before its children, children in start
 * order). A node new in a later change goes after its siblings.
 */
export interface SnapshotMessage {
  readonly title: string;
  readonly showMessages: boolean;
  readonly nodes: readonly NodeView[];
  readonly log: readonly EventView[];
}

/**
 * @internal Every later message, one per frame (about 10 a second at most):
 * nodes that changed or went away since the last one, and the events that did
 * it, oldest first (the latest 50; `skipped` counts those left out).
 */
export interface ChangeMessage {
  readonly nodes: readonly NodeView[];
  readonly removed: readonly string[];
  readonly events: readonly EventView[];
  readonly skipped: number;
}
