import type { Pid } from '../actor/pid.js';

/**
 * @internal A registry's own operations on its names, as the `NameSync` attached to it gets
 * them: none of these is passed to the sync again (docs/design.md, "Names").
 */
export interface LocalNames {
  /** The pid registered under `name` here, or `undefined`. */
  whereis(name: string): Pid | undefined;
  /** Whether `name` is waiting here for its supervised child's restart. */
  pendingFor(name: string): boolean;
  /** Registers `name` for `pid` here; `hold >= 0` keeps it pending when `pid` exits. */
  add(name: string, pid: Pid, hold: number): void;
  /** Removes `name` here (with `pid`, only if `pid` holds it); whether it did. */
  unregister(name: string, pid?: Pid): boolean;
  /** `pid` exited: frees `name` here, or keeps it pending with `hold >= 0`. */
  exited(name: string, pid: Pid, hold: number): void;
  /** No restart follows for `name`: what is held for it goes to dead letters. */
  abandon(name: string): void;
}

/**
 * @internal Keeps a registry's names in step with a store beyond this process (the cluster
 * registry keeps them in a KV bucket). The registry hands each change to its sync instead of
 * making it; the sync makes it through `LocalNames`, before or after its own work.
 */
export interface NameSync {
  /** `register`, or a supervisor or `start` naming its pid. */
  add(name: string, pid: Pid, hold: number): void;
  /** `unregister(name, pid?)`, its arguments checked. */
  unregister(name: string, pid?: Pid): boolean;
  /** A pid holding `name` exited. */
  exited(name: string, pid: Pid, hold: number): void;
  /** A supervisor will not restart the child that held `name`. */
  abandon(name: string): void;
}
