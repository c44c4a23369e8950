import { holds } from '../check/holds.js';
import type { Pid } from './pid.js';
import type { Protocol } from './protocol.js';
import { checkStartOptions, type GenServer, type StartOptions } from './gen-server.js';
import { running } from './process.js';
import { mustBe } from '../check/must-be.js';

/**
 * Starts one incarnation outside any supervisor and returns its pid. Called
 * inside a handler, the new actor is that actor's child and ends with it.
 *
 * @example
 * ```ts
 * const pid = spawn(counter, 0);
 * pid.exit$.subscribe((r) => console.log(formatExit(r)));
 * ```
 *
 * @typeParam P - The definition's protocol, which the pid carries.
 */
export function spawn<P extends Protocol>(def: GenServer<P, void>): Pid<P>;
/**
 * Starts one incarnation with its start arguments (and options).
 *
 * @example
 * ```ts
 * const pid = spawn(counter, 0, { name: 'counter', registry });
 * ```
 *
 * @typeParam P - The definition's protocol, which the pid carries.
 * @typeParam A - What `init` takes: the start arguments.
 */
export function spawn<P extends Protocol, A>(
  def: GenServer<P, A>,
  args: A,
  options?: StartOptions,
): Pid<P>;
export function spawn<P extends Protocol, A>(
  def: GenServer<P, A>,
  args?: A,
  options?: StartOptions,
): Pid<P> {
  if (!holds(() => typeof def === 'object' && def !== null && typeof def.boot === 'function')) {
    throw mustBe('spawn', 'def', 'a genServer definition (genServer({ init, ... }))', def);
  }
  const checked = checkStartOptions('spawn', options);
  const process = def.boot(args as A, checked, null);
  const parent = running.process;
  if (parent !== null) parent.link(process);
  return process.pid as Pid<P>;
}
