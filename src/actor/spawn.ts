import { holds } from '../check/holds.js';
import { describe } from './address.js';
import type { Pid } from './pid.js';
import { checkStartOptions, type GenServer, type StartOptions } from './gen-server.js';
import { running } from './process.js';

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
 * @typeParam C - The requests `handleCall` takes.
 * @typeParam R - What `handleCall` replies.
 * @typeParam K - The requests `handleCast` takes.
 * @typeParam I - The info messages `handleInfo` takes (`send`, `ctx.sendAfter`, the mailbox).
 */
export function spawn<C, R, K, I>(
  def: GenServer<void, C, R, K, I>,
): Pid<{ call: C; reply: R; cast: K; info: I }>;
/**
 * Starts one incarnation with its start arguments (and options).
 *
 * @example
 * ```ts
 * const pid = spawn(counter, 0, { name: 'counter', registry });
 * ```
 *
 * @typeParam A - What `init` takes: the start arguments.
 * @typeParam C - The requests `handleCall` takes.
 * @typeParam R - What `handleCall` replies.
 * @typeParam K - The requests `handleCast` takes.
 * @typeParam I - The info messages `handleInfo` takes (`send`, `ctx.sendAfter`, the mailbox).
 */
export function spawn<A, C, R, K, I>(
  def: GenServer<A, C, R, K, I>,
  args: A,
  options?: StartOptions,
): Pid<{ call: C; reply: R; cast: K; info: I }>;
export function spawn<A, C, R, K, I>(
  def: GenServer<A, C, R, K, I>,
  args?: A,
  options?: StartOptions,
): Pid<{ call: C; reply: R; cast: K; info: I }> {
  if (!holds(() => typeof def === 'object' && def !== null && typeof def.boot === 'function')) {
    throw new TypeError(
      `spawn: def must be a genServer definition (genServer({ init, ... })), got ${describe(def)}.`,
    );
  }
  const checked = checkStartOptions('spawn', options);
  const process = def.boot(args as A, checked, null);
  const parent = running.process;
  if (parent !== null) parent.link(process);
  return process.pid as Pid<{ call: C; reply: R; cast: K; info: I }>;
}
