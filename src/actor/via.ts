import type { NoProtocol, Protocol } from './protocol.js';
import type { Registry } from '../registry/registry.js';
import type { Pid } from './pid.js';

/** @internal The brand that marks a `via` address. */
export const VIA_BRAND: unique symbol = Symbol.for('rxotp.via') as never;

/**
 * An address that resolves a registry name at each send, so it follows a
 * supervised child across restarts. Made by `via(registry, name)`.
 *
 * @example
 * ```ts
 * const db = via(registry, typedName<DbProtocol>('db'));
 * await call(db, { get: 'k' });
 * ```
 *
 * @typeParam P - The protocol of the actor the name leads to (an untyped `Via`, `Via<NoProtocol>`, accepts no message).
 */
export class Via<P extends Protocol = NoProtocol> {
  /** The registry the name lives in. */
  readonly registry: Registry;
  /** The name. */
  readonly name: string;
  /** @internal Type-level only. */
  declare readonly protocol?: P;
  /** @internal The pid the name resolved to at the registry's `version`, to skip the lookup. */
  resolved: Pid | undefined = undefined;
  /** @internal */
  resolvedAt = -1;

  /** @internal */
  constructor(registry: Registry, name: string) {
    this.registry = registry;
    this.name = name;
  }

  /** `via 'name'` */
  toString(): string {
    return `via '${this.name}'`;
  }
}
(Via.prototype as unknown as Record<symbol, boolean>)[VIA_BRAND] = true;
