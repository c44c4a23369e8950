import type { NoProtocol, Protocol } from '../actor/protocol.js';
import { holds } from '../check/holds.js';
import { Via } from '../actor/via.js';
import { Registry } from './registry.js';
import type { Name } from './typed-name.js';
import { mustBe } from '../check/must-be.js';

/**
 * An address for a typed name (`typedName<P>('db')`) in `registry`, resolved
 * at each send, usable wherever a `Pid` is; it carries the name's protocol,
 * so messages sent through it are checked. While a supervised child restarts,
 * messages to its name are held and delivered to the next incarnation.
 *
 * @example
 * ```ts
 * const dbName = typedName<DbProtocol>('db');
 * cast(via(registry, dbName), { put: ['k', 1] });
 * ```
 *
 * @typeParam P - The protocol the name carries.
 */
export function via<P extends Protocol>(registry: Registry, name: Name<P>): Via<P>;
/**
 * An address for a plain string name. Without a protocol it accepts no
 * message (`cast(via(registry, 'db'), 42)` does not compile): declare the
 * name with `typedName<P>`, or state `P` here (an assertion nothing checks).
 *
 * @example
 * ```ts
 * const db = via<DbProtocol>(registry, 'db');
 * cast(db, { put: ['k', 1] });
 * ```
 *
 * @typeParam P - The protocol of the actor registered under `name` (default: none, so no message is accepted).
 */
export function via<P extends Protocol = NoProtocol>(registry: Registry, name: string): Via<P>;
export function via(registry: Registry, name: string): Via<Protocol> {
  if (!holds(() => registry instanceof Registry)) {
    throw mustBe('via', 'registry', "a Registry (new Registry(), or a supervisor's)", registry);
  }
  if (typeof name !== 'string') throw mustBe('via', 'name', 'a string', name);
  return new Via(registry, name);
}
