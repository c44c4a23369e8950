import type { Address } from '../actor/address.js';
import type { CallOf, ReplyOf, Protocol } from '../actor/protocol.js';
import { checkCall, startCall, type CallOptions } from './start-call.js';

/**
 * Sends a request to `handleCall` and resolves with the reply. Rejects at once
 * with `NoProcError` for a dead pid or unknown name, with `ActorExitError` if
 * the actor exits before replying, with `CallTimeoutError` after `timeout`
 * ms (default 5000), with `CallingSelfError` at once when an actor calls
 * itself, and with `signal.reason` when `options.signal` aborts. Bad arguments
 * throw before anything is sent.
 *
 * @example
 * ```ts
 * const n = await call(counter, 'get');
 * ```
 *
 * @typeParam P - The target's protocol, which types the request and the reply.
 */
export function call<P extends Protocol>(
  target: Address<P>,
  request: CallOf<P>,
  options?: CallOptions,
): Promise<ReplyOf<P>> {
  const checked = checkCall('call', target, options);
  return new Promise((resolve, reject) => {
    startCall(target, request, checked, resolve, reject);
  });
}
