import type { Address } from '../actor/address.js';
import type { Pid } from '../actor/pid.js';
import { checkSpec } from './check-spec.js';
import type { ChildSpec } from './child-spec.js';
import { controlCall } from './control-call.js';

/**
 * Adds a child to a running supervisor and starts it (Elixir's
 * `DynamicSupervisor.start_child`); resolves with the started child's pid.
 * Rejects with `ChildSpecError` when the supervisor refuses it (an id it
 * already has, or `maxChildren` reached), and with `ActorExitError` if the
 * start fails (the child then stays, restarted like any crash). A malformed
 * spec throws a `ChildSpecError` before anything is sent.
 *
 * @example
 * ```ts
 * const pid = await startChild(sup, child('job-7', () => job.start(7), { restart: 'temporary' }));
 * ```
 */
export function startChild(supervisor: Address, spec: ChildSpec): Promise<Pid> {
  checkSpec(spec, 'startChild');
  return controlCall('startChild', supervisor, { op: 'start', spec });
}
