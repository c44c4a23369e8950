import { describe } from '../exit/describe.js';
import type { SupervisorNotification } from '../index.js';

/**
 * A supervision tree's notification in words, as `treeMarbles` matches it.
 * Paths are child ids joined by `/` (`db/w1`); the supervisor whose stream it
 * is has no path.
 *
 * | notification | words |
 * | --- | --- |
 * | the supervisor's `started` | `started` |
 * | the supervisor's `exit` | `exit <reason>`: `exit normal`, `exit cancelled`, `exit error` |
 * | `child-started` | `start <path>` |
 * | `child-exited` | `exit <path> <reason>` |
 * | `restart` | `restart <path> <count>` (the child's restarts so far) |
 * | `backoff` | `backoff <path> <delay>` |
 * | `refused` | `refused <id>` |
 * | `child-removed` | `removed <path>` |
 * | `give-up` | `give-up` (this supervisor), `give-up <path>` (a nested one) |
 *
 * @example
 * ```ts
 * tree$.subscribe((n) => console.log(testScheduler.now(), describeEvent(n)));
 * // 0 started, 0 start a, 2 exit a error, 2 restart a 1, 2 start a, ...
 * ```
 */
export function describeEvent(n: SupervisorNotification): string {
  let kind: unknown;
  try {
    kind = (n as { kind?: unknown } | null)?.kind;
  } catch {
    kind = undefined;
  }
  if (typeof kind !== 'string' || !KINDS.includes(kind)) {
    throw new TypeError(
      `describeEvent: n must be a supervisor notification (what a supervisor's stream emits), got ${describe(n)}.`,
    );
  }
  switch (n.kind) {
    case 'started':
      return 'started';
    case 'exit':
      return `exit ${n.reason.kind}`;
    case 'child-started':
      return words('start', n.path);
    case 'child-exited':
      return `${words('exit', n.path)} ${n.reason.kind}`;
    case 'restart':
      return `${words('restart', n.path)} ${n.count}`;
    case 'backoff':
      return `${words('backoff', n.path)} ${n.delay}`;
    case 'refused':
      return words('refused', n.path);
    case 'child-removed':
      return words('removed', n.path);
    case 'give-up':
      return words('give-up', n.path);
  }
}

const KINDS = [
  'started',
  'exit',
  'child-started',
  'child-exited',
  'restart',
  'backoff',
  'refused',
  'child-removed',
  'give-up',
];

const words = (verb: string, path: readonly string[]): string =>
  path.length === 0 ? verb : `${verb} ${path.join('/')}`;
