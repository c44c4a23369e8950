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
    }
  | {
      readonly t: 'call';
      readonly to: number;
      readonly ref: number;
      readonly request: unknown;
      readonly via?: string;
    }
  | { readonly t: 'mon'; readonly id: number }
  | { readonly t: 'reply'; readonly ref: number; readonly value: unknown }
  | { readonly t: 'fail'; readonly ref: number; readonly error: WireError }
  | { readonly t: 'stop'; readonly to: number; readonly reason: WireReason }
  | { readonly t: 'exit'; readonly id: number; readonly reason: WireReason }
  | { readonly t: 'whereis'; readonly q: number; readonly name: string }
  | { readonly t: 'watch' }
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
