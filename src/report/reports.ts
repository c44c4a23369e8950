import { config, Subject } from 'rxjs';
import type { Pid } from '../actor/pid.js';

/**
 * An error that no caller can receive, reported instead of thrown (OTP's
 * logger: the crash is reported and the node lives on). Tagged by where it
 * came from:
 *
 * - `'callback'`: user code rxotp called on someone's behalf — a `terminate`
 *   that threw or rejected (also after its incarnation was abandoned), a handler
 *   that failed after its actor had already begun to stop, a backoff function,
 *   an observer preview.
 * - `'frame'`: a frame from the wire that failed to decode or validate; it was
 *   dropped and nothing acted on it.
 * - `'remote'`: an operation of rxotp/remote on the user's NATS connection
 *   (a registry write given up, a subscription error).
 *
 * @example
 * ```ts
 * reports$.subscribe((r) => {
 *   if (r.kind === 'callback') log.error(`${r.callback} of ${String(r.pid ?? r.path?.join('/'))}`, r.error);
 * });
 * ```
 */
export type Report =
  | {
      readonly kind: 'callback';
      /** The callback that failed: `'terminate'`, `'handleCast'`, `'backoff'`, `'preview'`, ... */
      readonly callback: string;
      readonly error: unknown;
      /** The actor it ran for, when it ran for one. */
      readonly pid?: Pid;
      /** The child's path under its supervisor, for supervisor callbacks (`backoff`). */
      readonly path?: readonly string[];
    }
  | {
      readonly kind: 'frame';
      /** The node that received it. */
      readonly node: string;
      /** The subject it arrived on, or the link it came through. */
      readonly subject: string;
      /** What was wrong with it (a `TypeError` naming the field). */
      readonly error: unknown;
    }
  | {
      readonly kind: 'remote';
      /** The node it happened on. */
      readonly node: string;
      /** What rxotp was doing: `'registry write'`, `'subscription'`, ... */
      readonly operation: string;
      readonly error: unknown;
    };

const reports = new Subject<Report>();

/**
 * The one process-wide stream of errors that no caller can receive: a throwing
 * `terminate`, a failing backoff function, a frame from the wire that failed
 * validation, a NATS operation rxotp gave up on. Each is also passed to rxjs's
 * `config.onUnhandledError` when it is set, and otherwise logged once with
 * `console.error` (set `config.onUnhandledError` to route or silence them). A
 * report is never rethrown: one actor's bug never ends the process.
 *
 * @example
 * ```ts
 * const sub = reports$.subscribe((r) => metrics.increment(`rxotp.report.${r.kind}`));
 * ```
 */
export const reports$ = reports.asObservable();

/** @internal Reports one error: on `reports$`, to `config.onUnhandledError`, else on the console. */
export function report(r: Report): void {
  const { onUnhandledError } = config;
  if (reports.observed) reports.next(r);
  if (onUnhandledError) {
    try {
      onUnhandledError(r.error);
    } catch (error) {
      // The user's own handler failed: say so once, and keep going.
      console.error(
        'rxotp: config.onUnhandledError threw while reporting',
        describeReport(r),
        error,
      );
    }
  } else {
    try {
      console.error(`rxotp: ${describeReport(r)}`, r.error);
    } catch {
      // An error whose inspection throws (a hostile Proxy) is still reported by its place.
      console.error(`rxotp: ${describeReport(r)} (the error could not be printed)`);
    }
  }
}

/** @internal One line naming where a report came from. */
export function describeReport(r: Report): string {
  switch (r.kind) {
    case 'callback': {
      const where =
        r.pid !== undefined ? ` of ${String(r.pid)}` : r.path ? ` of ${r.path.join('/')}` : '';
      return `${r.callback}${where} failed`;
    }
    case 'frame':
      return `node ${r.node} dropped a bad frame on ${r.subject}`;
    case 'remote':
      return `node ${r.node}: ${r.operation} failed`;
  }
}
