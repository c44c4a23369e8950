import { type Address } from '../actor/address.js';
import { describe } from '../exit/describe.js';
import { call } from '../messaging/call.js';
import { checkCall } from '../messaging/start-call.js';
import type { ControlRequest } from './control-request.js';

/** @internal A control request to a supervisor: a call with no timeout, as in OTP. */
export function controlCall<R>(
  fn: string,
  supervisor: Address,
  request: ControlRequest,
): Promise<R> {
  checkCall(fn, supervisor, undefined, 'supervisor');
  if ('id' in request && typeof request.id !== 'string') {
    throw new TypeError(`${fn}: id must be a child id (a string), got ${describe(request.id)}.`);
  }
  return call(supervisor, request, { timeout: Infinity }) as Promise<R>;
}
