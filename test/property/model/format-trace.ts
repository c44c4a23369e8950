import type { TraceEntry } from './types.js';

/** `a/b#2`: a child's path and incarnation, as the traces print them. */
function formatIncarnation(i: { readonly path: readonly string[]; readonly inc: number }): string {
  return `${i.path.join('/')}#${i.inc}`;
}

/**
 * One line per trace entry, e.g. `12 restart a/b [b,c] x2`, so traces compare
 * as string arrays and a failing case prints readably.
 */
export function formatTrace(trace: readonly TraceEntry[]): string[] {
  return trace.map((e) => {
    switch (e.kind) {
      case 'started':
        return `${e.t} started`;
      case 'child-started':
        return `${e.t} child-started ${formatIncarnation(e)}`;
      case 'child-exited':
        return `${e.t} child-exited ${formatIncarnation(e)} ${e.reason}`;
      case 'restart':
        return `${e.t} restart ${e.path.join('/')} [${e.ids.join(',')}] x${e.count}`;
      case 'backoff':
        return `${e.t} backoff ${e.path.join('/')} ${e.delay}ms`;
      case 'give-up':
        return `${e.t} give-up ${e.path.join('/')}`;
      case 'refused':
        return `${e.t} refused ${e.path.join('/')} ${e.id}`;
      case 'exit':
        return `${e.t} exit ${e.reason}`;
    }
  });
}
