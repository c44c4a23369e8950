import { formatTrace } from './model/format-trace.js';
import { runModel } from './model/run-model.js';
import type { Fate, ModelResult } from './model/types.js';
import type { Case } from './arbitraries.js';
import { runImpl, type ImplResult } from './run-impl.js';

// The four properties, each a function from a case's two runs to a list of
// disagreements (empty when the property holds).

export type Check = (c: Case, model: ModelResult, impl: ImplResult) => string[] | Promise<string[]>;

const show = (lines: readonly string[]): string =>
  lines.length === 0 ? '    (nothing)' : lines.map((l) => `    ${l}`).join('\n');

/** The root's stream, step by step, equals the model's trace. */
export const sameTrace: Check = (c, model, impl) => {
  const problems: string[] = [];
  model.steps.forEach((expected, i) => {
    const want = formatTrace(expected.trace);
    const got = formatTrace(impl.steps[i]?.trace ?? []);
    if (want.join('\n') !== got.join('\n')) {
      const step =
        i === 0
          ? 'the start'
          : i > c.schedule.length
            ? 'the end'
            : JSON.stringify(c.schedule[i - 1]);
      problems.push(
        `after step ${i} (${step}):\n  expected\n${show(want)}\n  actual\n${show(got)}`,
      );
    }
  });
  if (impl.foreign.length > 0)
    problems.push(`unexpected notifications: ${impl.foreign.join(', ')}`);
  return problems.slice(0, 1);
};

/** At every quiet point the registry maps exactly the running named children to their current pids. */
export const registryMatches: Check = (_c, model, impl) => {
  const problems: string[] = [];
  model.steps.forEach((expected, i) => {
    const actual = impl.steps[i]?.registry ?? new Map();
    const want = [...expected.registry].map(([n, inc]) => `${n}=${inc.key}`).sort();
    const got = [...actual].map(([n, pid]) => {
      const key = [...impl.pids].find(([, p]) => p === pid)?.[0];
      return `${n}=${key ?? `unannounced ${String(pid)}`}`;
    });
    got.sort();
    if (want.join(' ') !== got.join(' ')) {
      problems.push(
        `registry after step ${i}: expected {${want.join(' ')}} actual {${got.join(' ')}}`,
      );
    }
  });
  return problems.slice(0, 1);
};

/** After the root is unsubscribed, no actor is left alive, and no error went unhandled. */
export const nothingLeft: Check = (_c, _model, impl) => {
  const problems: string[] = [];
  if (impl.liveAfter !== impl.liveBefore) {
    problems.push(`liveActorCount ${impl.liveBefore} before, ${impl.liveAfter} after unsubscribe`);
  }
  for (const e of impl.unhandled) problems.push(`unhandled error: ${String(e)}`);
  problems.push(...impl.leftovers);
  return problems;
};

const fateOf = (impl: ImplResult, id: string): string => {
  const by = impl.handled.get(id) ?? [];
  const dead = impl.dead.get(id) ?? 0;
  return (
    [...by.map((b) => `handled by ${b}`), ...Array<string>(dead).fill('dead letter')].join(
      ' and ',
    ) || 'lost'
  );
};

const expectedFate = (f: Fate): string =>
  f.kind === 'dead' ? 'dead letter' : `handled by ${f.by.key}`;

/**
 * Every message sent to a name is handled exactly once, by the incarnation
 * the model names, or becomes exactly one dead letter; nothing else happens
 * to a message the model does not know of.
 */
export const noMessageLost: Check = (_c, model, impl) => {
  const problems: string[] = [];
  const ids = new Set([...model.fates.keys(), ...impl.handled.keys(), ...impl.dead.keys()]);
  for (const id of [...ids].sort()) {
    const f = model.fates.get(id);
    const want = f === undefined ? 'never sent' : expectedFate(f);
    const got = fateOf(impl, id);
    if (want !== got) problems.push(`message ${id}: expected ${want}, actual ${got}`);
  }
  return problems;
};

/** Every control call answers as the model says (done, no process, no such child, running). */
export const controlAnswers: Check = async (c, model, impl) => {
  const problems: string[] = [];
  for (const [i, want] of model.outcomes) {
    const got = await (impl.outcomes.get(i) ?? Promise.resolve('never made'));
    if (got !== want) {
      problems.push(
        `step ${i} ${JSON.stringify(c.schedule[i - 1])}: expected ${want}, actual ${got}`,
      );
    }
  }
  return problems;
};

export const allChecks = {
  sameTrace,
  registryMatches,
  nothingLeft,
  noMessageLost,
  controlAnswers,
} as const;

/** Runs the case both ways and applies `checks`; returns every disagreement. */
export async function checkCase(c: Case, checks: readonly Check[]): Promise<string[]> {
  const model = runModel(c.root, c.schedule);
  const impl = runImpl(c);
  const found = await Promise.all(checks.map(async (check) => check(c, model, impl)));
  return found.flat();
}
