import { describe } from '../exit/describe.js';
import { readFields } from '../check/read-fields.js';
import { ChildSpecError } from '../errors/child-spec-error.js';
import type { ChildSpec } from './child-spec.js';
import { checkSpec } from './check-spec.js';

/** The fields a child takes from its options. */
const OPTION_KEYS = ['restart', 'shutdown', 'type', 'significant', 'name', 'mailbox'] as const;

/**
 * @internal `child(id, start, options)` on behalf of `fn` (`child`,
 * `scriptedChild`): each argument read once and checked, every error naming `fn`.
 *
 * @example
 * ```ts
 * const spec = buildChild('child', 'db', () => db.start(), { restart: 'permanent' });
 * ```
 */
export function buildChild(fn: string, id: unknown, start: unknown, options: unknown): ChildSpec {
  if (typeof id !== 'string' || id === '') {
    throw new ChildSpecError(id, 'id', `must be a non-empty string, got ${describe(id)}.`, fn);
  }
  if (typeof start !== 'function') {
    throw new ChildSpecError(
      id,
      'start',
      `must be a function returning an Observable, got ${describe(start)}.`,
      fn,
    );
  }
  const read = readFields(fn, 'options', options, OPTION_KEYS, "{ restart: 'permanent' }");
  // Without options, a two-field literal: spread from the (empty) fields read,
  // it would carry their object's spare slots, 16 bytes more per spec (a
  // million specs are part of BENCHMARKS.md case 6's heap).
  const spec = (hasAny(read) ? { ...read, id, start } : { id, start }) as ChildSpec;
  checkSpec(spec, fn);
  return spec;
}

/** Whether `fields` has any field. */
function hasAny(fields: object | undefined): boolean {
  for (const _ in fields) return true;
  return false;
}
