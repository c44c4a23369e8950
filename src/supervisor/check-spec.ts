import { describe } from '../exit/describe.js';
import { ChildSpecError } from '../errors/child-spec-error.js';
import { checkMailbox } from '../mailbox/mailbox-options.js';
import type { ChildSpec } from './child-spec.js';

const RESTARTS = ['permanent', 'transient', 'temporary'];
const TYPES = ['worker', 'supervisor'];

/** @internal Throws a `ChildSpecError` naming the child and field, unless `spec` is valid. */
export function checkSpec(spec: unknown, fn?: string): asserts spec is ChildSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new ChildSpecError(
      undefined,
      'spec',
      `expected an object like child(id, start), got ${describe(spec)}.`,
      fn,
    );
  }
  let fields: Record<string, unknown>;
  try {
    fields = { ...(spec as Record<string, unknown>) };
  } catch {
    throw new ChildSpecError(
      undefined,
      'spec',
      'its fields could not be read (a getter or Proxy trap threw); pass a plain object.',
      fn,
    );
  }
  const { id, start, restart, shutdown, type, significant, name, mailbox } = fields;
  if (typeof id !== 'string' || id === '') {
    throw new ChildSpecError(id, 'id', `must be a non-empty string, got ${describe(id)}.`, fn);
  }
  // (`fail` is a module function, not a closure: the initial set of a million
  // children is checked here, one spec at a time, BENCHMARKS.md case 6.)
  if (typeof start !== 'function')
    fail(id, fn, 'start', 'must be a function returning an Observable.');
  if (restart !== undefined && !RESTARTS.includes(restart as string)) {
    fail(
      id,
      fn,
      'restart',
      `must be 'permanent', 'transient' or 'temporary', got ${describe(restart)}.`,
    );
  }
  if (
    shutdown !== undefined &&
    shutdown !== 'brutal_kill' &&
    shutdown !== 'infinity' &&
    !(typeof shutdown === 'number' && shutdown >= 0)
  ) {
    fail(
      id,
      fn,
      'shutdown',
      `must be ms >= 0, 'brutal_kill' or 'infinity', got ${describe(shutdown)}.`,
    );
  }
  if (type !== undefined && !TYPES.includes(type as string)) {
    fail(id, fn, 'type', `must be 'worker' or 'supervisor', got ${describe(type)}.`);
  }
  if (significant !== undefined && typeof significant !== 'boolean') {
    fail(id, fn, 'significant', 'must be a boolean.');
  }
  if (significant === true && (restart ?? 'transient') === 'permanent') {
    fail(
      id,
      fn,
      'significant',
      "a significant child must be 'transient' or 'temporary' (a permanent one never ends).",
    );
  }
  if (name !== undefined && typeof name !== 'string')
    fail(id, fn, 'name', `must be a string, got ${describe(name)}.`);
  if (mailbox !== undefined) {
    try {
      checkMailbox('child', mailbox);
    } catch (error) {
      fail(id, fn, 'mailbox', (error as Error).message.replace(/^child: mailbox /, ''));
    }
  }
}

/** Throws the `ChildSpecError` for `field` of child `id`. */
function fail(id: unknown, fn: string | undefined, field: string, problem: string): never {
  throw new ChildSpecError(id, field, problem, fn);
}

/** @internal Checks a whole set: each spec, then that ids are unique. */
export function checkSpecs(
  specs: readonly unknown[],
  fn?: string,
): asserts specs is readonly ChildSpec[] {
  const ids = new Set<string>();
  for (const spec of specs) {
    checkSpec(spec, fn);
    if (ids.has(spec.id)) throw duplicateId(spec.id);
    ids.add(spec.id);
  }
}

/** @internal The error for an id already used by a sibling. */
export const duplicateId = (id: string): ChildSpecError =>
  new ChildSpecError(id, 'id', 'is used by another child of this supervisor.');
