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
  throw new TypeError(
    `${fn}: ${arg} must be a Pid or a via(registry, name) address, got ${describe(target)}.`,
  );
}

/** How much of a string or a class name an error message quotes. */
const QUOTED = 60;

/**
 * @internal A short description of any value for error messages: bounded in
 * length whatever the value (a 5 MB string is quoted by its start), and it
 * never throws (a Proxy whose traps throw is "an object that cannot be read").
 */
export function describe(x: unknown): string {
  switch (typeof x) {
    case 'string':
      return x.length > QUOTED ? `'${x.slice(0, QUOTED)}…' (${x.length} characters)` : `'${x}'`;
    case 'object': {
      if (x === null) return 'null';
      try {
        if (Array.isArray(x)) return 'an array';
        const name: unknown = x.constructor?.name;
        return typeof name === 'string' && name !== '' ? name.slice(0, QUOTED) : 'object';
      } catch {
        return 'an object that cannot be read';
      }
    }
    case 'function':
      return 'a function';
    case 'symbol':
      return x.toString().slice(0, QUOTED);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(x);
    default:
      return 'undefined';
  }
}
