import { CAST, INFO } from '../mailbox/kinds.js';
import type { Frame, WireError, WirePid, WireReason } from './wire.js';

// The one declared schema of what crosses between nodes. Every frame from a
// link or from NATS passes `decodeFrame` before anything acts on it; a frame
// that fails is dropped and reported (docs/design.md, "Remote › The wire").
// Checks are in place (nothing is copied) and cost time proportional to the
// frame's size.

/** @internal A frame that does not fit the schema: names the field and what was wrong. */
export class BadFrameError extends TypeError {
  override readonly name = 'BadFrameError';
  constructor(
    /** Where in the frame, as a path (`reason.error.name`). */
    readonly field: string,
    expected: string,
  ) {
    super(`bad frame: ${field} must be ${expected}`);
  }
}

type Fields = Record<string, unknown>;

/** A nested error's reason is followed this deep, no further. */
const REASON_DEPTH = 8;

/**
 * @internal Checks that `value` is one of the frames two nodes exchange and
 * returns it, typed. Throws `BadFrameError` naming the first field that does
 * not fit. Message kinds other than info and cast (a process's own
 * bookkeeping) are refused: they never cross as user messages.
 */
export function decodeFrame(value: unknown): Frame {
  const f = record(value, 'frame');
  switch (f.t) {
    case 'hello':
      token(f.node, 'node');
      break;
    case 'bye':
    case 'hb':
    case 'watch':
      break;
    case 'msg':
      id(f.to, 'to');
      if (f.kind !== INFO && f.kind !== CAST) throw new BadFrameError('kind', `${INFO} or ${CAST}`);
      optionalName(f.via, 'via');
      packed(f.p);
      break;
    case 'call':
      id(f.to, 'to');
      ref(f.ref, 'ref');
      optionalName(f.via, 'via');
      packed(f.p);
      break;
    case 'mon':
      id(f.id, 'id');
      break;
    case 'reply':
      ref(f.ref, 'ref');
      packed(f.p);
      break;
    case 'fail':
      ref(f.ref, 'ref');
      wireError(f.error, 'error', 0);
      break;
    case 'stop':
      id(f.to, 'to');
      wireReason(f.reason, 'reason', 0);
      break;
    case 'exit':
      id(f.id, 'id');
      wireReason(f.reason, 'reason', 0);
      break;
    case 'whereis':
      ref(f.q, 'q');
      name(f.name, 'name');
      break;
    case 'names': {
      const set = array(f.set, 'set');
      for (let i = 0; i < set.length; i++) {
        const entry = array(set[i], `set[${i}]`);
        if (entry.length !== 3) throw new BadFrameError(`set[${i}]`, '[name, id, pid name | null]');
        name(entry[0], `set[${i}][0]`);
        id(entry[1], `set[${i}][1]`);
        nameOrNull(entry[2], `set[${i}][2]`);
      }
      const del = array(f.del, 'del');
      for (let i = 0; i < del.length; i++) name(del[i], `del[${i}]`);
      break;
    }
    case 'unreg':
      name(f.name, 'name');
      id(f.id, 'id');
      break;
    case 'where':
      ref(f.q, 'q');
      if (f.id !== null) id(f.id, 'id');
      nameOrNull(f.name, 'name');
      break;
    default:
      throw new BadFrameError('t', 'a known frame type');
  }
  return value as Frame;
}

/** @internal Checks a pid inside a message (see `WirePid`). */
export function decodeWirePid(value: unknown): WirePid {
  const pid = array(value, 'pid');
  if (pid.length !== 4) throw new BadFrameError('pid', '[where, id, name | null, node]');
  const [where] = pid;
  if (where !== 0 && where !== 1) token(where, 'pid[0]');
  id(pid[1], 'pid[1]');
  nameOrNull(pid[2], 'pid[2]');
  token(pid[3], 'pid[3]');
  return value as WirePid;
}

function wireReason(value: unknown, field: string, depth: number): WireReason {
  const r = record(value, field);
  if (r.kind === 'normal' || r.kind === 'cancelled') return value as WireReason;
  if (r.kind !== 'error')
    throw new BadFrameError(`${field}.kind`, "'normal', 'cancelled' or 'error'");
  wireError(r.error, `${field}.error`, depth + 1);
  return value as WireReason;
}

function wireError(value: unknown, field: string, depth: number): WireError {
  if (depth > REASON_DEPTH) throw new BadFrameError(field, `nested at most ${REASON_DEPTH} deep`);
  const e = record(value, field);
  name(e.name, `${field}.name`);
  name(e.message, `${field}.message`);
  if (e.reason !== undefined) wireReason(e.reason, `${field}.reason`, depth);
  optionalName(e.node, `${field}.node`);
  optionalName(e.why, `${field}.why`);
  return value as WireError;
}

function record(value: unknown, field: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadFrameError(field, 'an object');
  }
  return value as Fields;
}

function array(value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new BadFrameError(field, 'an array');
  return value;
}

function id(value: unknown, field: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new BadFrameError(field, 'a non-negative integer');
  }
}

function ref(value: unknown, field: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new BadFrameError(field, 'a positive integer');
  }
}

function name(value: unknown, field: string): void {
  if (typeof value !== 'string') throw new BadFrameError(field, 'a string');
}

function nameOrNull(value: unknown, field: string): void {
  if (value !== null && typeof value !== 'string')
    throw new BadFrameError(field, 'a string or null');
}

function optionalName(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== 'string') throw new BadFrameError(field, 'a string');
}

function token(value: unknown, field: string): void {
  if (typeof value !== 'string' || value === '')
    throw new BadFrameError(field, 'a non-empty string');
}

function packed(value: unknown): void {
  if (value !== undefined && value !== 1) throw new BadFrameError('p', '1 or absent');
}
