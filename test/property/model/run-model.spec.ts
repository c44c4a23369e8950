import { formatTrace } from './format-trace.js';
import { runModel } from './run-model.js';
import type { LeafSpec, NodeSpec, RestartType, Step, Strategy, SupSpec } from './types.js';

// The model's own checks: each case is one rule of docs/design.md ("Supervision",
// "Names"), worked by hand.

const leaf = (id: string, restart: RestartType = 'permanent'): LeafSpec => ({
  kind: 'leaf',
  id,
  restart,
});

const sup = (
  id: string,
  strategy: Strategy,
  children: readonly NodeSpec[],
  opts: Partial<Pick<SupSpec, 'restart' | 'intensity' | 'period' | 'holdBound' | 'backoff'>> = {},
): SupSpec => {
  const { restart = 'permanent', intensity = 3, period = 100, holdBound = 1000, backoff } = opts;
  const base = {
    kind: 'sup',
    id,
    strategy,
    children,
    restart,
    intensity,
    period,
    holdBound,
  } as const;
  return backoff === undefined ? base : { ...base, backoff };
};

const crash = (at: number, target: string, burst = 0): Step => ({
  at,
  kind: 'cast',
  target,
  action: 'crash',
  burst,
});

const traceOf = (root: SupSpec, schedule: readonly Step[]): string[] =>
  runModel(root, schedule).steps.flatMap((s) => formatTrace(s.trace));

describe('reference model', () => {
  test('starts the tree depth-first, a supervisor before its children', () => {
    const root = sup('root', 'one_for_one', [leaf('a'), sup('s', 'one_for_all', [leaf('b')])]);
    expect(traceOf(root, [])).toEqual([
      '0 started',
      '0 child-started a#1',
      '0 child-started s#1',
      '0 child-started s/b#1',
    ]);
    const registry = runModel(root, []).steps[0]?.registry;
    expect([...(registry?.keys() ?? [])].sort()).toEqual(['a', 'b', 's']);
  });

  test('one_for_all stops the others last-first, then starts all in order', () => {
    const root = sup('root', 'one_for_all', [leaf('a'), leaf('b'), leaf('c')]);
    expect(traceOf(root, [crash(5, 'b')]).slice(4)).toEqual([
      '5 child-exited b#1 error',
      '5 restart b [a,b,c] x1',
      '5 child-exited c#1 cancelled',
      '5 child-exited a#1 cancelled',
      '5 child-started a#2',
      '5 child-started b#2',
      '5 child-started c#2',
    ]);
  });

  test('rest_for_one restarts the crashed child and those after it', () => {
    const root = sup('root', 'rest_for_one', [leaf('a'), leaf('b'), leaf('c')]);
    expect(traceOf(root, [crash(5, 'b')]).slice(4)).toEqual([
      '5 child-exited b#1 error',
      '5 restart b [b,c] x1',
      '5 child-exited c#1 cancelled',
      '5 child-started b#2',
      '5 child-started c#2',
    ]);
  });

  test('a restart leaves the window once `period` ms have passed', () => {
    const root = sup('root', 'one_for_one', [leaf('a')], { intensity: 1, period: 10 });
    // Restarts at 0 and 10: 10 - 0 is not less than 10, so one in the window each time.
    expect(traceOf(root, [crash(0, 'a'), crash(10, 'a')])).toContain('10 restart a [a] x2');
    // At 9 the first is still inside: the second restart is number 2 > intensity 1.
    expect(traceOf(root, [crash(0, 'a'), crash(9, 'a')]).slice(-4)).toEqual([
      '0 child-started a#2',
      '9 child-exited a#2 error',
      '9 give-up ',
      '9 exit error',
    ]);
  });

  test('intensity 0 gives up on the first restart and escalates as an error', () => {
    const inner = sup('s', 'one_for_one', [leaf('a'), leaf('b')], {
      intensity: 0,
      restart: 'transient',
    });
    const root = sup('root', 'one_for_one', [inner]);
    expect(traceOf(root, [crash(3, 'a')]).slice(4)).toEqual([
      '3 child-exited s/a#1 error',
      '3 give-up s',
      '3 child-exited s/b#1 cancelled',
      '3 child-exited s#1 error',
      '3 restart s [s] x1',
      '3 child-started s#2',
      '3 child-started s/a#1',
      '3 child-started s/b#1',
    ]);
  });

  test('restart types: transient stays down after a normal exit, temporary is dropped', () => {
    const root = sup('root', 'one_for_all', [leaf('t', 'transient'), leaf('x', 'temporary')]);
    const steps: Step[] = [
      { at: 1, kind: 'cast', target: 't', action: 'exit', burst: 0 },
      { at: 2, kind: 'cast', target: 'x', action: 'crash', burst: 0 },
    ];
    const result = runModel(root, steps);
    expect(result.steps.slice(1).flatMap((s) => formatTrace(s.trace))).toEqual([
      '1 child-exited t#1 normal',
      '2 child-exited x#1 error',
    ]);
    expect(result.steps[2]?.registry.size).toBe(0);
  });

  test('one_for_all brings back a transient child that had exited normally and drops a running temporary one', () => {
    const root = sup('root', 'one_for_all', [
      leaf('t', 'transient'),
      leaf('x', 'temporary'),
      leaf('p'),
    ]);
    const steps: Step[] = [
      { at: 1, kind: 'cast', target: 't', action: 'exit', burst: 0 },
      crash(2, 'p'),
    ];
    expect(traceOf(root, steps).slice(5)).toEqual([
      '2 child-exited p#1 error',
      '2 restart p [t,p] x1',
      '2 child-exited x#1 cancelled',
      '2 child-started t#2',
      '2 child-started p#2',
    ]);
  });

  test('terminateChild keeps the spec; restartChild starts it again; deleteChild drops it', () => {
    const root = sup('root', 'one_for_one', [leaf('a'), leaf('b')]);
    const steps: Step[] = [
      { at: 1, kind: 'terminate', sup: 'root', id: 'a' },
      { at: 2, kind: 'restart', sup: 'root', id: 'a' },
      { at: 3, kind: 'terminate', sup: 'root', id: 'b' },
      { at: 4, kind: 'delete', sup: 'root', id: 'b' },
      { at: 5, kind: 'restart', sup: 'root', id: 'b' },
    ];
    expect(traceOf(root, steps).slice(3)).toEqual([
      '1 child-exited a#1 cancelled',
      '2 child-started a#2',
      '3 child-exited b#1 cancelled',
    ]);
  });

  test('messages queued behind a crash wait for the next incarnation, up to holdBound', () => {
    const root = sup('root', 'one_for_one', [leaf('a')], { holdBound: 2 });
    const { fates } = runModel(root, [crash(1, 'a', 3)]);
    expect(Object.fromEntries(fates)).toEqual({
      '1.0': { kind: 'handled', by: { path: ['a'], inc: 1, key: 'a#1' } },
      '1.1': { kind: 'handled', by: { path: ['a'], inc: 2, key: 'a#2' } },
      '1.2': { kind: 'handled', by: { path: ['a'], inc: 2, key: 'a#2' } },
      '1.3': { kind: 'dead' },
    });
  });

  test('held messages become dead letters when no restart follows', () => {
    const root = sup('root', 'one_for_one', [leaf('a', 'transient')]);
    const steps: Step[] = [
      { at: 1, kind: 'cast', target: 'a', action: 'exit', burst: 2 },
      { at: 2, kind: 'cast', target: 'a', action: 'ping', burst: 0 },
    ];
    const { fates } = runModel(root, steps);
    expect(fates.get('1.1')).toEqual({ kind: 'dead' });
    expect(fates.get('1.2')).toEqual({ kind: 'dead' });
    expect(fates.get('2.0')).toEqual({ kind: 'dead' });
  });

  test('a spec whose id is taken is refused; a free id is started at the end', () => {
    const root = sup('root', 'rest_for_one', [leaf('a')]);
    const steps: Step[] = [
      { at: 1, kind: 'add', sup: 'root', spec: leaf('a') },
      { at: 2, kind: 'add', sup: 'root', spec: leaf('d') },
      crash(3, 'a'),
    ];
    expect(traceOf(root, steps).slice(2)).toEqual([
      '1 refused  a',
      '2 child-started d#1',
      '3 child-exited a#1 error',
      '3 restart a [a,d] x1',
      '3 child-exited d#1 cancelled',
      '3 child-started a#2',
      '3 child-started d#2',
    ]);
  });

  test('stopping a nested supervisor from outside stops its subtree first', () => {
    const root = sup('root', 'one_for_one', [sup('s', 'one_for_one', [leaf('a'), leaf('b')])]);
    const steps: Step[] = [{ at: 1, kind: 'stop', target: 's', reason: 'normal' }];
    expect(traceOf(root, steps).slice(4)).toEqual([
      '1 child-exited s/b#1 cancelled',
      '1 child-exited s/a#1 cancelled',
      '1 child-exited s#1 normal',
      '1 restart s [s] x1',
      '1 child-started s#2',
      '1 child-started s/a#1',
      '1 child-started s/b#1',
    ]);
  });

  describe('backoff (one_for_one)', () => {
    const backoff = { min: 10, max: 40, factor: 2, resetAfter: 40 };
    const ping = (at: number, target: string): Step => ({
      at,
      kind: 'cast',
      target,
      action: 'ping',
      burst: 0,
    });

    test('the restart is announced and counted at once; the child starts after the delay', () => {
      const root = sup('root', 'one_for_one', [leaf('a')], { backoff, intensity: 10 });
      // Timers due after the last step never fire (the root is unsubscribed 1 ms later).
      const result = runModel(root, [crash(1, 'a'), ping(5, 'a'), ping(11, 'a')]);
      expect(result.steps.slice(1).map((s) => formatTrace(s.trace))).toEqual([
        ['1 child-exited a#1 error', '1 restart a [a] x1', '1 backoff a 10ms'],
        [],
        [],
        ['11 child-started a#2'],
      ]);
      // Pending while it waits: no name, but the ping is held for the next incarnation.
      expect(result.steps[2]?.registry.size).toBe(0);
      expect(result.fates.get('2.0')).toEqual({
        kind: 'handled',
        by: { path: ['a'], inc: 2, key: 'a#2' },
      });
    });

    test('consecutive restarts wait min * factor^(k-1), capped; a long enough run resets k', () => {
      const root = sup('root', 'one_for_one', [leaf('a')], { backoff, intensity: 10 });
      const delays = (schedule: Step[]): string[] =>
        traceOf(root, schedule).filter((l) => l.includes('backoff'));
      expect(delays([crash(0, 'a'), crash(10, 'a'), crash(30, 'a'), crash(70, 'a')])).toEqual([
        '0 backoff a 10ms',
        '10 backoff a 20ms',
        '30 backoff a 40ms',
        '70 backoff a 40ms',
      ]);
      // Started at 30 + 40 = 70... and again at 110; a crash at 150 has run 40 ms.
      expect(delays([crash(0, 'a'), crash(10, 'a'), crash(30, 'a'), crash(150, 'a')])).toEqual([
        '0 backoff a 10ms',
        '10 backoff a 20ms',
        '30 backoff a 40ms',
        '150 backoff a 10ms',
      ]);
    });

    test('a held crash crashes the next incarnation as soon as it starts', () => {
      const root = sup('root', 'one_for_one', [leaf('a')], { backoff, intensity: 10 });
      expect(traceOf(root, [crash(0, 'a'), crash(5, 'a'), ping(60, 'a')]).slice(5)).toEqual([
        '10 child-started a#2',
        '10 child-exited a#2 error',
        '10 restart a [a] x2',
        '10 backoff a 20ms',
        '30 child-started a#3',
      ]);
    });

    test('terminateChild cancels the wait and its held messages become dead letters', () => {
      const root = sup('root', 'one_for_one', [leaf('a')], { backoff });
      const steps: Step[] = [
        crash(0, 'a'),
        ping(1, 'a'),
        { at: 2, kind: 'terminate', sup: 'root', id: 'a' },
        { at: 30, kind: 'restart', sup: 'root', id: 'a' },
      ];
      const result = runModel(root, steps);
      expect(result.fates.get('2.0')).toEqual({ kind: 'dead' });
      expect(formatTrace(result.steps[3]?.trace ?? [])).toEqual([]);
      expect(formatTrace(result.steps[4]?.trace ?? [])).toEqual(['30 child-started a#2']);
      expect([...result.outcomes.values()]).toEqual(['ok', 'ok']);
    });

    test('restartChild cuts the wait short; deleteChild refuses a waiting child', () => {
      const root = sup('root', 'one_for_one', [leaf('a')], { backoff });
      const steps: Step[] = [
        crash(0, 'a'),
        { at: 1, kind: 'delete', sup: 'root', id: 'a' },
        { at: 2, kind: 'restart', sup: 'root', id: 'a' },
      ];
      const result = runModel(root, steps);
      expect([...result.outcomes.values()]).toEqual(['running', 'ok']);
      expect(formatTrace(result.steps[3]?.trace ?? [])).toEqual(['2 child-started a#2']);
      expect(formatTrace(result.steps[4]?.trace ?? [])).toEqual([]);
    });

    test('what a name holds when the root is unsubscribed becomes dead letters', () => {
      const root = sup('root', 'one_for_one', [leaf('a')], { backoff });
      const { fates } = runModel(root, [crash(0, 'a', 2)]);
      expect(fates.get('1.1')).toEqual({ kind: 'dead' });
      expect(fates.get('1.2')).toEqual({ kind: 'dead' });
    });
  });
});
