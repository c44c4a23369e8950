import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import type { ExitReason, SupervisorNotification } from '../../src/index.js';

/** `<time> <kind> <path>[#incarnation] [reason]` for each notification. */
export const line = (ts: TestScheduler, n: SupervisorNotification): string => {
  const at = ts.now();
  switch (n.kind) {
    case 'started':
      return `${at} started`;
    case 'exit':
      return `${at} exit ${n.reason.kind}`;
    case 'child-started':
      return `${at} child-started ${n.path.join('/')}#${n.incarnation}`;
    case 'child-exited':
      return `${at} child-exited ${n.path.join('/')}#${n.incarnation} ${n.reason.kind}`;
    case 'restart':
      return `${at} restart ${n.path.join('/')} x${n.count}`;
    case 'backoff':
      return `${at} backoff ${n.path.join('/')} ${n.delay}`;
    case 'give-up':
      return `${at} give-up ${n.path.join('/')}`;
    case 'refused':
      return `${at} refused ${n.path.join('/')}`;
    case 'child-removed':
      return `${at} child-removed ${n.path.join('/')}`;
  }
};

/** Runs a tree inside `ts.run`, logs it, and unsubscribes it at `until`. */
export function runTree(
  ts: TestScheduler,
  tree$: Observable<SupervisorNotification>,
  until = 1000,
): { log: string[]; all: SupervisorNotification[] } {
  const log: string[] = [];
  const all: SupervisorNotification[] = [];
  const sub = tree$.subscribe((n) => {
    all.push(n);
    log.push(line(ts, n));
  });
  ts.schedule(() => sub.unsubscribe(), until);
  return { log, all };
}

export const reasonOf = (n: SupervisorNotification | undefined): ExitReason | undefined =>
  n !== undefined && (n.kind === 'exit' || n.kind === 'child-exited') ? n.reason : undefined;
