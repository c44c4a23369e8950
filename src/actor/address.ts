import type { Pid } from './pid.js';
import type { Protocol } from './protocol.js';
import type { Via } from './via.js';
import { PID_BRAND } from './pid.js';
import { VIA_BRAND } from './via.js';

/**
 * Where a message can go: a `Pid`, or a `via(registry, name)` that resolves at each send.
 *
 * @example
 * ```ts
 * const target: Address = Math.random() > 0.5 ? pid : via(registry, 'db');
 * cast(target, 'ping');
 * ```
 *
 * @typeParam P - The protocol: the requests, replies and messages the actor takes (see `Protocol`).
 */
export type Address<P extends Protocol = Protocol> = Pid<P> | Via<P>;

/** @internal */
export const isPid = (x: unknown): x is Pid =>
  typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[PID_BRAND] === true;

/** @internal */
export const isVia = (x: unknown): x is Via =>
  typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[VIA_BRAND] === true;

/** @internal Throws the error every messaging function gives for a bad target. */
export function badTarget(fn: string, target: unknown): never {
  throw new TypeError(
    `${fn}: target must be a Pid or a via(registry, name) address, got ${describe(target)}.`,
  );
}

/** @internal A short description of any value for error messages. */
export function describe(x: unknown): string {
  switch (typeof x) {
    case 'string':
      return `'${x}'`;
    case 'object':
      return x === null ? 'null' : (x.constructor?.name ?? 'object');
    case 'function':
      return 'a function';
    case 'symbol':
      return x.toString();
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(x);
    default:
      return 'undefined';
  }
}
