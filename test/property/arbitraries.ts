import fc from 'fast-check';
import type {
  BackoffSpec,
  LeafAction,
  LeafSpec,
  NodeSpec,
  ReasonKind,
  RestartType,
  Step,
  Strategy,
  SupSpec,
} from './model/types.js';

// Random supervision trees and schedules. The raw values fast-check generates
// and shrinks carry no ids: ids are given afterwards by position, and a
// schedule's targets are indices resolved against the ids that exist at that
// point of the schedule, so any shrunk value is still a valid case.

/** One generated case: a tree and what happens to it. */
export interface Case {
  readonly root: SupSpec;
  readonly schedule: readonly Step[];
}

interface RawLeaf {
  readonly kind: 'leaf';
  readonly restart: RestartType;
}

interface RawSup {
  readonly kind: 'sup';
  readonly backoff: BackoffSpec | null;
  readonly restart: RestartType;
  readonly strategy: Strategy;
  readonly intensity: number;
  readonly period: number;
  readonly holdBound: number;
  readonly children: readonly RawNode[];
}

type RawNode = RawLeaf | RawSup;

type RawStep =
  | {
      readonly gap: number;
      readonly kind: 'cast';
      readonly action: LeafAction;
      readonly target: number;
      readonly burst: number;
    }
  | {
      readonly gap: number;
      readonly kind: 'stop';
      readonly target: number;
      readonly reason: ReasonKind;
    }
  | { readonly gap: number; readonly kind: 'stop-root'; readonly reason: ReasonKind }
  | {
      readonly gap: number;
      readonly kind: 'add';
      readonly sup: number;
      readonly reuse: number | null;
      readonly restart: RestartType;
    }
  | {
      readonly gap: number;
      readonly kind: 'terminate' | 'restart' | 'delete';
      readonly sup: number;
      readonly child: number;
    };

const restartArb = fc.constantFrom<RestartType>('permanent', 'transient', 'temporary');
const reasonArb = fc.constantFrom<ReasonKind>('normal', 'cancelled', 'error');

const leafArb: fc.Arbitrary<RawLeaf> = fc.record({
  kind: fc.constant('leaf' as const),
  restart: restartArb,
});

const backoffArb: fc.Arbitrary<BackoffSpec> = fc
  .record({
    min: fc.integer({ min: 1, max: 10 }),
    extra: fc.integer({ min: 0, max: 30 }),
    factor: fc.constantFrom(1, 2, 3),
    resetAfter: fc.option(fc.integer({ min: 1, max: 60 })),
  })
  .map(({ min, extra, factor, resetAfter }) => ({
    min,
    max: min + extra,
    factor,
    // docs/design.md, "Supervision" (backoff): `resetAfter` defaults to `max`.
    resetAfter: resetAfter ?? min + extra,
  }));

/** Supervisor parameters; `Infinity` intensity and the 0 bound are edge cases worth hitting. */
const supArb = (depth: number): fc.Arbitrary<RawSup> =>
  fc.record({
    kind: fc.constant('sup' as const),
    restart: restartArb,
    strategy: fc.constantFrom<Strategy>('one_for_one', 'one_for_all', 'rest_for_one'),
    intensity: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(Infinity)),
    period: fc.oneof(fc.constantFrom(5, 10, 20), fc.integer({ min: 1, max: 60 })),
    holdBound: fc.oneof(fc.constant(1000), fc.integer({ min: 0, max: 3 })),
    backoff: fc.option(backoffArb, { freq: 2 }),
    children: fc.array(nodeArb(depth + 1), { maxLength: 6, size: 'medium' }),
  });

/** Depth 0 is the root: supervisors nest down to depth 2, so leaves sit at depth 3 at most. */
const nodeArb = (depth: number): fc.Arbitrary<RawNode> =>
  depth >= 3
    ? leafArb
    : fc.oneof({ weight: 4, arbitrary: leafArb }, { weight: 1, arbitrary: supArb(depth) });

// Round gaps and periods make restarts land exactly `period` apart, the edge of the window.
const gapArb = fc.oneof(
  fc.constant(0),
  fc.constantFrom(5, 10, 20),
  fc.integer({ min: 1, max: 40 }),
);
const indexArb = fc.nat({ max: 1000 });

const rawStepArb: fc.Arbitrary<RawStep> = fc.oneof(
  {
    weight: 32,
    arbitrary: fc.record({
      gap: gapArb,
      kind: fc.constant('cast' as const),
      action: fc.constantFrom<LeafAction>('crash', 'crash', 'exit', 'cancel', 'ping'),
      target: indexArb,
      burst: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 })),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      gap: gapArb,
      kind: fc.constant('stop' as const),
      target: indexArb,
      reason: reasonArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      gap: gapArb,
      kind: fc.constant('stop-root' as const),
      reason: reasonArb,
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      gap: gapArb,
      kind: fc.constant('add' as const),
      sup: indexArb,
      reuse: fc.option(indexArb, { freq: 3 }),
      restart: restartArb,
    }),
  },
  {
    weight: 12,
    arbitrary: fc.record({
      gap: gapArb,
      kind: fc.constantFrom('terminate' as const, 'restart' as const, 'delete' as const),
      sup: indexArb,
      child: indexArb,
    }),
  },
);

const pick = <T>(xs: readonly T[], i: number): T | undefined =>
  xs.length === 0 ? undefined : xs[i % xs.length];

/** Gives ids by position: `s1`, `s2`, ... for supervisors, `w1`, `w2`, ... for leaves. */
function nameTree(raw: RawSup, allowBackoff: boolean): SupSpec {
  let sups = 0;
  let leaves = 0;
  const walk = (node: RawNode): NodeSpec => {
    if (node.kind === 'leaf') return { kind: 'leaf', id: `w${++leaves}`, restart: node.restart };
    const id = `s${++sups}`;
    const { backoff, ...rest } = node;
    // Backoff only under one_for_one: under the others several names hold
    // messages at once during the wait, and the model delivers held messages
    // depth-first, which is faithful only while one name at a time holds any.
    const withBackoff =
      allowBackoff && backoff !== null && node.strategy === 'one_for_one' ? { backoff } : {};
    return { ...rest, ...withBackoff, id, children: node.children.map(walk) };
  };
  const root = walk(raw);
  if (root.kind !== 'sup') throw new Error('the root is a supervisor');
  return { ...root, id: 'root' };
}

/**
 * Turns raw steps into concrete ones. Each id belongs to one supervisor (its
 * "home"): a dynamic add either takes a fresh id `d<n>` or reuses an id homed
 * in the same supervisor (refused if it is still a child there), so no name
 * is ever wanted by two supervisors at once.
 */
function resolveSchedule(root: SupSpec, raw: readonly RawStep[]): Step[] {
  const leaves: string[] = [];
  const nodes: string[] = [];
  const sups: string[] = [root.id];
  // Ids homed in each supervisor: all of them (for control calls) and the leaves (to reuse).
  const homed = new Map<string, string[]>([[root.id, []]]);
  const homedLeaves = new Map<string, string[]>([[root.id, []]]);
  const collect = (sup: SupSpec): void => {
    for (const c of sup.children) {
      nodes.push(c.id);
      homed.get(sup.id)?.push(c.id);
      if (c.kind === 'leaf') {
        leaves.push(c.id);
        homedLeaves.get(sup.id)?.push(c.id);
      } else {
        sups.push(c.id);
        homed.set(c.id, []);
        homedLeaves.set(c.id, []);
        collect(c);
      }
    }
  };
  collect(root);

  let at = 0;
  let fresh = 0;
  const steps: Step[] = [];
  for (const r of raw) {
    at += r.gap;
    switch (r.kind) {
      case 'cast': {
        const target = pick(leaves, r.target);
        if (target === undefined) continue;
        const burst = r.action === 'ping' ? 0 : r.burst;
        steps.push({ at, kind: 'cast', target, action: r.action, burst });
        break;
      }
      case 'stop': {
        const target = pick(nodes, r.target);
        if (target !== undefined) steps.push({ at, kind: 'stop', target, reason: r.reason });
        break;
      }
      case 'stop-root':
        steps.push({ at, kind: 'stop', target: root.id, reason: r.reason });
        break;
      case 'add': {
        const sup = pick(sups, r.sup) ?? root.id;
        const home = homedLeaves.get(sup) ?? [];
        let id = r.reuse === null ? undefined : pick(home, r.reuse);
        if (id === undefined) {
          id = `d${++fresh}`;
          home.push(id);
          homed.get(sup)?.push(id);
          leaves.push(id);
          nodes.push(id);
        }
        const spec: LeafSpec = { kind: 'leaf', id, restart: r.restart };
        steps.push({ at, kind: 'add', sup, spec });
        break;
      }
      default: {
        const sup = pick(sups, r.sup) ?? root.id;
        const id = pick(homed.get(sup) ?? [], r.child);
        if (id !== undefined) steps.push({ at, kind: r.kind, sup, id });
      }
    }
  }
  return steps;
}

/**
 * A random tree (depth up to 3, up to 6 children per supervisor) and a
 * schedule of up to `maxSteps` steps on virtual time, without the `skip`ped
 * step kinds (and without backoff if `'backoff'` is among them).
 */
export function caseArb(maxSteps = 25, skip: readonly Skippable[] = []): fc.Arbitrary<Case> {
  return fc
    .record({ tree: supArb(0), steps: fc.array(rawStepArb, { maxLength: maxSteps, size: 'max' }) })
    .map(({ tree, steps }) => {
      const root = nameTree(tree, !skip.includes('backoff'));
      const schedule = resolveSchedule(root, steps).filter((s) => !skip.includes(s.kind));
      return { root, schedule };
    });
}

/** What a campaign can leave out, e.g. to look past a known bug: step kinds, or backoff. */
export type Skippable = Step['kind'] | 'backoff';

export const skippable: readonly Skippable[] = [
  'cast',
  'stop',
  'add',
  'terminate',
  'restart',
  'delete',
  'backoff',
];
