// Helpers shared by the unit tests.
import { config, type Subscription } from 'rxjs';
import { deadLetters$, type DeadLetter, type ExitReason, type Pid } from '../src/index.js';

/** The exit reason of `pid`, if it has exited by now. */
export function exitOf(pid: Pid): ExitReason | undefined {
  let reason: ExitReason | undefined;
  pid.exit$.subscribe((r) => (reason = r));
  return reason;
}

/**
 * Routes rxjs's unhandled errors to a fresh `jest.fn()` for each test of the
 * file (restoring the previous handler after it); read it through the getter.
 */
export function useUnhandledErrors(): () => jest.Mock<void, [unknown]> {
  let unhandled = jest.fn<void, [unknown]>();
  let saved: typeof config.onUnhandledError;
  beforeEach(() => {
    saved = config.onUnhandledError;
    unhandled = jest.fn<void, [unknown]>();
    config.onUnhandledError = unhandled;
  });
  afterEach(() => {
    config.onUnhandledError = saved;
  });
  return () => unhandled;
}

/** Collects the dead letters published during each test of the file. */
export function useDeadLetters(): () => DeadLetter[] {
  let letters: DeadLetter[] = [];
  let subscription: Subscription;
  beforeEach(() => {
    letters = [];
    subscription = deadLetters$.subscribe((letter) => letters.push(letter));
  });
  afterEach(() => subscription.unsubscribe());
  return () => letters;
}

/**
 * Waits in real time until `condition` holds, checking every 20 ms, for state
 * with no event to wait on (a real server, a browser); fails naming `what`
 * after `timeout` ms.
 */
export async function until(
  condition: () => boolean,
  what: string,
  timeout = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
