import type { NoProtocol, Protocol } from '../actor/protocol.js';
import { mustBe, ANY_STRING } from '../check/must-be.js';

/** Type-level only: the key under which a `Name` carries its protocol. */
declare const PROTOCOL: unique symbol;

/**
 * A registry name that carries the protocol of the actor registered under
 * it: at run time it is the plain string, so it goes wherever a name does
 * (`spawn`'s and `child`'s `name`, `register`). `via(registry, name)`,
 * `registry.whereis(name)` and `registry.whereis$(name)` give addresses and
 * pids of that protocol, so `send`, `cast`, `call`, `state$` and `published$`
 * check their messages and values with no cast. Made by `typedName`.
 *
 * @example
 * ```ts
 * const counterName: Name<ProtocolOf<typeof counter>> = typedName('counter');
 * ```
 *
 * @typeParam P - The protocol of the actor registered under the name.
 */
export type Name<P extends Protocol = NoProtocol> = string & { readonly [PROTOCOL]: P };

/**
 * Declares a registry name once with its protocol (docs/design.md, "Names"):
 * every `via`, `whereis` and `whereis$` through it is typed, with no
 * assertion at the use site. Returns `name` itself; throws a `TypeError` if
 * it is not a string (any string is a valid name).
 *
 * @example
 * ```ts
 * const counterName = typedName<ProtocolOf<typeof counter>>('counter');
 * spawn(counter, 0, { name: counterName, registry });
 * cast(via(registry, counterName), 'inc'); // checked: 'inc' is one of its casts
 * const n = await call(via(registry, counterName), 'get'); // n: number
 * ```
 *
 * @typeParam P - The protocol of the actor that will be registered under `name`.
 */
export function typedName<P extends Protocol>(name: string): Name<P> {
  if (typeof name !== 'string') {
    throw mustBe('typedName', 'name', ANY_STRING, name);
  }
  return name as Name<P>;
}
