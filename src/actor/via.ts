import type { Observable } from 'rxjs';
import type { NoProtocol, Protocol } from './protocol.js';
import type { Pid } from './pid.js';

/**
 * What a `via` address and a named process need from the registry a name lives in.
 * `Registry` implements it. Declared here, beside `Via`, so that a via address and a process
 * need no import of registry/, which imports them (docs/design.md, "Arrows": no import cycles).
 *
 * @example
 * ```ts
 * const table: NameTable = via(registry, 'db').registry;
 * table.whereis('db'); // the pid registered as 'db', or undefined
 * ```
 */
export interface NameTable {
  /** The pid registered under `name` now, or `undefined`. */
  whereis(name: string): Pid | undefined;
  /** The pid registered under `name`, at once and on each change. */
  whereis$(name: string): Observable<Pid | undefined>;
  /**
   * @internal Bumped on every change of a name. A via's cached `pid` is the name's pid
   * while the via's `version` equals it; only `Registry.deliver` writes them.
   */
  readonly version: number;
  /** @internal Sends through `name`: to its pid, into its hold, or to dead letters. */
  deliver(name: string, kind: number, payload: unknown, via: Via): boolean;
  /** @internal A message left in an exited mailbox, sent through `name`: held if the name is pending. */
  holdLeftover(name: string, kind: number, payload: unknown, via: Via): boolean;
  /** @internal `pid` exited: free its name, or keep it pending when supervised. */
  exited(name: string, pid: Pid, hold: number): void;
}

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
  /** The registry the name lives in (a `Registry`). */
  readonly registry: NameTable;
  /** The name. */
  readonly name: string;
  /** @internal Type-level only. */
  declare readonly protocol?: P;
  /** @internal The pid the name resolved to at the registry's `version` below, to skip the lookup. */
  pid: Pid | undefined = undefined;
  /** @internal The registry's `version` when `pid` was read (-1: never). */
  version = -1;

  /** @internal */
  constructor(registry: NameTable, name: string) {
    this.registry = registry;
    this.name = name;
  }

  /** `via 'name'` */
  toString(): string {
    return `via '${this.name}'`;
  }
}
(Via.prototype as unknown as Record<symbol, boolean>)[VIA_BRAND] = true;
