import { type Address } from '../actor/address.js';
import { call } from '../messaging/call.js';
import { checkCall } from '../messaging/start-call.js';
import type { ControlRequest } from './control-request.js';
import { mustBe } from '../check/must-be.js';

/** @internal A control request to a supervisor: a call with no timeout, as in OTP. */
export function controlCall<R>(
  fn: string,
  supervisor: Address,
  request: ControlRequest,
): Promise<R> {
  checkCall(fn, supervisor, undefined, 'supervisor');
  if ('id' in request && typeof request.id !== 'string') {
    throw mustBe(fn, 'id', 'a child id (a string)', request.id);
  }
  return call(supervisor, request, { timeout: Infinity }) as Promise<R>;
}
