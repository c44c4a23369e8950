import { describe } from '../exit/describe.js';

/**
 * A child spec or supervisor option is invalid; `childId` and `field` name it.
 *
 * @example
 * ```ts
 * try { child('', () => EMPTY); } catch (e) { e instanceof ChildSpecError && e.field === 'id'; }
 * ```
 */
export class ChildSpecError extends TypeError {
  override readonly name = 'ChildSpecError';
  /** The child's id as given (`undefined` when the id itself is missing). */
  readonly childId: unknown;
  /** The offending field. */
  readonly field: string;
  /** @param fn The function that was given the spec (`child`, `supervise`), when there is one. */
  constructor(childId: unknown, field: string, problem: string, fn?: string) {
    const who = typeof childId === 'string' ? `child ${describe(childId)}` : 'a child spec';
    super(`${fn === undefined ? '' : `${fn}: `}Invalid ${field} of ${who}: ${problem}`);
    this.childId = childId;
    this.field = field;
  }
}
