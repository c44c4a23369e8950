import type { Pid } from '../actor/pid.js';
import { isPid } from '../actor/address.js';
import { ActorExitError } from '../errors/actor-exit-error.js';
import { NoProcError } from '../errors/no-proc-error.js';
import { NodeDownError } from '../errors/node-down-error.js';
import { errorExit, type ExitReason, CANCELLED, NORMAL } from '../exit/exit-reason.js';

/** @internal An error as it crosses a link: its name and message, and an exit reason for `ActorExitError`. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly reason?: WireReason;
  readonly node?: string;
  readonly why?: string;
}

/** @internal An exit reason as it crosses a link. */
export type WireReason =
  | { readonly kind: 'normal' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'error'; readonly error: WireError };

/** @internal The frames two nodes exchange. */
export type Frame =
  | { readonly t: 'hello'; readonly node: string }
  | { readonly t: 'bye' }
  | { readonly t: 'hb' }
  | {
      readonly t: 'msg';
      readonly to: number;
      readonly kind: number;
      readonly payload: unknown;
      /** Sent through this name: if the pid has exited, the name takes it. */
      readonly via?: string;
      /** Set when the payload holds pids (see `packPids`). */
      readonly p?: 1;
    }
  | {
      readonly t: 'call';
      readonly to: number;
      readonly ref: number;
      readonly request: unknown;
      readonly via?: string;
      readonly p?: 1;
    }
  | { readonly t: 'mon'; readonly id: number }
  | { readonly t: 'reply'; readonly ref: number; readonly value: unknown; readonly p?: 1 }
  | { readonly t: 'fail'; readonly ref: number; readonly error: WireError }
  | { readonly t: 'stop'; readonly to: number; readonly reason: WireReason }
  | { readonly t: 'exit'; readonly id: number; readonly reason: WireReason }
  | { readonly t: 'whereis'; readonly q: number; readonly name: string }
  | { readonly t: 'watch' }
  /** In a cluster: unregister `name` if pid `id` of the receiver holds it. */
  | { readonly t: 'unreg'; readonly name: string; readonly id: number }
  | {
      readonly t: 'names';
      readonly set: readonly (readonly [name: string, id: number, pidName: string | null])[];
      readonly del: readonly string[];
    }
  | {
      readonly t: 'where';
      readonly q: number;
      readonly id: number | null;
      readonly name: string | null;
    };

/** @internal Reduces any thrown value to what survives the trip. */
export function encodeError(error: unknown): WireError {
  if (error instanceof ActorExitError) {
    return { name: error.name, message: error.message, reason: encodeReason(error.reason) };
  }
  if (error instanceof NodeDownError) {
    return { name: error.name, message: error.message, node: error.node, why: error.why };
  }
  // Duck-typed: errors from another realm (a vm context, a DOMException) are not `instanceof Error`.
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  if (typeof name === 'string' && typeof message === 'string') return { name, message };
  return { name: 'Error', message: String(error) };
}

/**
 * @internal Rebuilds an error on the receiving node. rxotp's own errors come
 * back as their classes, about `target` (the remote pid as text here); any
 * other error becomes an `Error` with the same `name` and `message`.
 */
export function decodeError(wire: WireError, target: string): Error {
  switch (wire.name) {
    case 'NoProcError':
      return new NoProcError(target);
    case 'ActorExitError':
      return new ActorExitError(target, decodeReason(wire.reason ?? { kind: 'normal' }, target));
    case 'NodeDownError':
      return new NodeDownError(wire.node ?? '?', wire.why ?? 'unknown');
  }
  const error = new Error(wire.message);
  error.name = wire.name;
  return error;
}

/** @internal */
export function encodeReason(reason: ExitReason): WireReason {
  return reason.kind === 'error' ? { kind: 'error', error: encodeError(reason.error) } : reason;
}

/** @internal */
export function decodeReason(wire: WireReason, target: string): ExitReason {
  if (wire.kind === 'normal') return NORMAL;
  if (wire.kind === 'cancelled') return CANCELLED;
  return errorExit(decodeError(wire.error, target));
}

/**
 * @internal A pid inside a message, as it crosses: `where` is 0 for a pid of
 * the sending node, 1 for one of the receiving node, else the cluster address
 * of a third node.
 */
export type WirePid = readonly [
  where: 0 | 1 | string,
  id: number,
  name: string | null,
  node: string,
];

/** @internal The marker key of a pid inside a message. */
export const PID_KEY = '$rxotp.pid';

// Deeper than this, a message is not searched for pids (the codec then meets
// any that are left, and refuses them).
const DEPTH = 64;

/**
 * @internal `value` with each pid inside it (in arrays and plain objects)
 * replaced by `{ [PID_KEY]: toWire(pid) }`; `value` itself, untouched, when it
 * holds no pid.
 */
export function packPids(value: unknown, toWire: (pid: Pid) => WirePid, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > DEPTH) return value;
  if (isPid(value)) return { [PID_KEY]: toWire(value) };
  return mapChildren(value, (child) => packPids(child, toWire, depth + 1));
}

/** @internal The inverse of `packPids`. */
export function unpackPids(value: unknown, fromWire: (pid: unknown) => Pid, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > DEPTH) return value;
  const wire = (value as Record<string, unknown>)[PID_KEY];
  // Checked by `fromWire`: it comes from the wire.
  if (wire !== undefined) return fromWire(wire);
  return mapChildren(value, (child) => unpackPids(child, fromWire, depth + 1));
}

/** A copy of an array or plain object with `f` applied to its items, or the object itself if none changed. */
function mapChildren(value: object, f: (child: unknown) => unknown): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const mapped = f(item);
      if (mapped !== item) (out ??= value.slice())[i] = mapped;
    }
    return out ?? value;
  }
  // Plain objects only, from any realm (a structured clone may come from another).
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const mapped = f(item);
    if (mapped !== item) (out ??= { ...(value as Record<string, unknown>) })[key] = mapped;
  }
  return out ?? value;
}
