import type { Pid } from './pid.js';
import type { Protocol } from './protocol.js';
import type { Via } from './via.js';
import { PID_BRAND } from './pid.js';
import { VIA_BRAND } from './via.js';
import { mustBe } from '../check/must-be.js';

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

/**
 * @internal Whether `x` is a pid (never throws, even for a hostile Proxy).
 * `isPid` and `isVia` each read their own brand, so each read site sees one
 * key: a shared helper made the read megamorphic once both were called
 * (a third of a `cast(via(...))`).
 */
export function isPid(x: unknown): x is Pid {
  if (typeof x !== 'object' || x === null) return false;
  try {
    return (x as Record<symbol, unknown>)[PID_BRAND] === true;
  } catch {
    return false;
  }
}

/** @internal Whether `x` is a `via` address (never throws). */
export function isVia(x: unknown): x is Via {
  if (typeof x !== 'object' || x === null) return false;
  try {
    return (x as Record<symbol, unknown>)[VIA_BRAND] === true;
  } catch {
    return false;
  }
}

/** @internal Throws the error every messaging function gives for a bad target. */
export function badTarget(fn: string, target: unknown, arg = 'target'): never {
  throw mustBe(fn, arg, 'a Pid or a via(registry, name) address', target);
}
