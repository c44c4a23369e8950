import { describe } from '../exit/describe.js';
import type { Protocol } from '../actor/protocol.js';
import { holds } from '../check/holds.js';
import { Via } from '../actor/via.js';
import { Registry } from './registry.js';

/**
 * An address for `name` in `registry`, resolved at each send, usable wherever
 * a `Pid` is. While a supervised child restarts, messages to its name are held
 * and delivered to the next incarnation.
 *
 * @example
 * ```ts
 * const db = via<DbProtocol>(registry, 'db');
 * cast(db, { put: ['k', 1] });
 * ```
 *
 * @typeParam P - The protocol of the actor registered under `name`: without it, the address accepts no message.
 */
export function via<P extends Protocol = Protocol>(registry: Registry, name: string): Via<P> {
  if (!holds(() => registry instanceof Registry)) {
    throw new TypeError(
      `via: registry must be a Registry (new Registry(), or a supervisor's), got ${describe(registry)}.`,
    );
  }
  if (typeof name !== 'string')
    throw new TypeError(`via: name must be a string, got ${describe(name)}.`);
  return new Via<P>(registry, name);
}
