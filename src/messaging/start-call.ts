import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { badTarget, describe, isPid, isVia } from '../actor/address.js';
import { isScheduler } from '../check/is-scheduler.js';
import { readFields } from '../check/read-fields.js';
import { CallTimeoutError } from '../errors/call-timeout-error.js';
import { CALL } from '../mailbox/kinds.js';
import { enter, leave } from '../mailbox/run-queue.js';
import { checkDuration } from '../time/check-duration.js';
import { scheduleAfter } from '../time/schedule-after.js';
import { CallRef } from './call-ref.js';
import { deliver } from './deliver.js';

/**
 * Options of `call` and `call$`.
 *
 * @example
 * ```ts
 * await call(pid, 'get', { timeout: 1000 });
 * ```
 */
export interface CallOptions {
  /** How long to wait for the reply, in ms (default 5000; `Infinity` waits forever). */
  readonly timeout?: number;
  /** The scheduler the timeout runs on (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
}

/** @internal Checks a call's arguments; throws before anything is sent. Returns the checked options. */
export function checkCall(
  fn: string,
  target: unknown,
  options: unknown,
  arg = 'target',
): CallOptions | undefined {
  if (!isPid(target) && !isVia(target)) badTarget(fn, target, arg);
  const read = readFields(fn, 'options', options, ['timeout', 'scheduler'], '{ timeout: 5000 }');
  if (read === undefined) return undefined;
  const { timeout, scheduler } = read;
  if (scheduler !== undefined && !isScheduler(scheduler)) {
    throw new TypeError(
      `${fn}: options.scheduler must be an rxjs SchedulerLike (asyncScheduler, a TestScheduler), got ${describe(scheduler)}.`,
    );
  }
  if (timeout !== undefined) checkDuration(fn, 'options.timeout', timeout, 'allowed');
  return read as CallOptions;
}

/** @internal Sends a call and arms its timeout unless it was answered synchronously. */
export function startCall(
  target: unknown,
  request: unknown,
  options: CallOptions | undefined,
  onReply: (value: unknown) => void,
  onError: (error: unknown) => void,
): CallRef {
  const timeout = options?.timeout ?? 5000;
  const ref = new CallRef(request, onReply, onError);
  deliver('call', target, CALL, ref);
  if (!ref.done && timeout !== Infinity) {
    ref.timer = scheduleAfter(options?.scheduler ?? asyncScheduler, timeout, () => {
      enter();
      try {
        ref.reject(new CallTimeoutError(String(target), timeout));
      } finally {
        leave();
      }
    });
  }
  return ref;
}
