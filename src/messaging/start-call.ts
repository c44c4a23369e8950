import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { badTarget, isPid, isVia } from '../actor/address.js';
import { running } from '../actor/process.js';
import { CallingSelfError } from '../errors/calling-self-error.js';
import { holds } from '../check/holds.js';
import { isScheduler } from '../check/is-scheduler.js';
import { readFields } from '../check/read-fields.js';
import { CallTimeoutError } from '../errors/call-timeout-error.js';
import { CALL } from '../mailbox/kinds.js';
import { enter, leave } from '../mailbox/run-queue.js';
import { checkDuration } from '../time/check-duration.js';
import { scheduleAfter } from '../time/schedule-after.js';
import { CallRef } from './call-ref.js';
import { deliver } from './deliver.js';
import { mustBe } from '../check/must-be.js';

/**
 * Options of `call` and `call$`.
 *
 * @example
 * ```ts
 * await call(pid, 'get', { timeout: 1000 });
 * const controller = new AbortController();
 * const reply = call(pid, 'slow', { signal: controller.signal });
 * controller.abort(); // reply rejects with the signal's reason
 * ```
 */
export interface CallOptions {
  /** How long to wait for the reply, in ms (default 5000; `Infinity` waits forever). */
  readonly timeout?: number;
  /** The scheduler the timeout runs on (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
  /**
   * Aborting it fails the call with `signal.reason` (an `AbortError` if it has
   * none); a reply after that is dropped quietly, as after a timeout. An
   * already aborted signal fails the call before anything is sent.
   */
  readonly signal?: AbortSignal;
}

/** The fields of `CallOptions`, made once (not an array per call). */
const CALL_OPTIONS = ['timeout', 'scheduler', 'signal'] as const;

/**
 * @internal Checks a call's arguments; throws before anything is sent. Returns the checked options.
 * Small on purpose: V8 inlines it into every call, and its size counts against the budget
 * that lets the rest of the send inline too (BENCHMARKS.md, case 2); options are read apart.
 */
export function checkCall(
  fn: string,
  target: unknown,
  options: unknown,
  arg = 'target',
): CallOptions | undefined {
  if (!isPid(target) && !isVia(target)) badTarget(fn, target, arg);
  // Most calls pass no options: nothing to read, nothing allocated.
  return options === undefined ? undefined : checkOptions(fn, options);
}

function checkOptions(fn: string, options: unknown): CallOptions | undefined {
  const read = readFields(fn, 'options', options, CALL_OPTIONS, '{ timeout: 5000 }');
  if (read === undefined) return undefined;
  const { timeout, scheduler, signal } = read;
  if (signal !== undefined && !isSignal(signal)) {
    throw mustBe(fn, 'options.signal', 'an AbortSignal (new AbortController().signal)', signal);
  }
  if (scheduler !== undefined && !isScheduler(scheduler)) {
    throw mustBe(
      fn,
      'options.scheduler',
      'an rxjs SchedulerLike (asyncScheduler, a TestScheduler)',
      scheduler,
    );
  }
  if (timeout !== undefined) checkDuration(fn, 'options.timeout', timeout, 'allowed');
  return read as CallOptions;
}

/**
 * @internal Sends a call and arms its timeout unless it was answered
 * synchronously. What only some calls need (a signal, a timer) is done in
 * functions of its own: a closure here would make every call allocate its
 * context, answered at once or not.
 */
export function startCall(
  target: unknown,
  request: unknown,
  options: CallOptions | undefined,
  onReply: (value: unknown) => void,
  onError: (error: unknown) => void,
): CallRef {
  const ref = new CallRef(request, onReply, onError);
  const caller = running.process;
  if (caller !== null && callsSelf(ref, target, caller)) return ref;
  const signal = options?.signal;
  if (signal !== undefined && !listen(ref, signal)) return ref;
  deliver('call', target, CALL, ref);
  if (!ref.done) armTimeout(ref, target, options?.timeout ?? 5000, options?.scheduler);
  return ref;
}

/** Fails `ref` with a `CallTimeoutError` once `timeout` ms have passed (never, for `Infinity`). */
function armTimeout(
  ref: CallRef,
  target: unknown,
  timeout: number,
  scheduler: SchedulerLike = asyncScheduler,
): void {
  if (timeout === Infinity) return;
  ref.timer = scheduleAfter(scheduler, timeout, () => {
    enter();
    try {
      ref.reject(new CallTimeoutError(String(target), timeout));
    } finally {
      leave();
    }
  });
}

/** A call from inside `caller` to itself: `ref` is failed with a `CallingSelfError` (`true`). */
function callsSelf(ref: CallRef, target: unknown, caller: { readonly pid: unknown }): boolean {
  if (!isSelf(target, caller)) return false;
  ref.reject(new CallingSelfError(String(caller.pid), String(target)));
  return true;
}

/** Whether `target` is `caller`'s own pid, or a name that resolves to it now. */
function isSelf(target: unknown, caller: { readonly pid: unknown }): boolean {
  if (isPid(target)) return target === caller.pid;
  return isVia(target) && target.registry.whereis(target.name) === caller.pid;
}

/** Whether `x` looks like an `AbortSignal`; never throws. */
function isSignal(x: unknown): x is AbortSignal {
  return holds(
    () =>
      typeof x === 'object' &&
      x !== null &&
      typeof (x as AbortSignal).aborted === 'boolean' &&
      typeof (x as AbortSignal).addEventListener === 'function' &&
      typeof (x as AbortSignal).removeEventListener === 'function',
  );
}

function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason === undefined ? new DOMException('The call was aborted.', 'AbortError') : reason;
}

/**
 * Fails `ref` when `signal` aborts; the listener goes once the call settles.
 * `false` when the signal has already aborted: `ref` is failed, and nothing is sent.
 */
function listen(ref: CallRef, signal: AbortSignal): boolean {
  if (signal.aborted) {
    ref.reject(abortReason(signal));
    return false;
  }
  const onAbort = (): void => {
    enter();
    try {
      ref.reject(abortReason(signal));
    } finally {
      leave();
    }
  };
  signal.addEventListener('abort', onAbort, { once: true });
  ref.unlisten = () => signal.removeEventListener('abort', onAbort);
  return true;
}
