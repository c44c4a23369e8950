// Every test fails on a report it did not ask for: a report is an error that no
// caller could receive, so one that shows up unannounced is a bug. Tests that
// expect reports route them elsewhere with `useUnhandledErrors()` from ./support.
import { config } from 'rxjs';

let unexpected: unknown[] = [];

beforeEach(() => {
  unexpected = [];
  config.onUnhandledError = (error: unknown) => unexpected.push(error);
});

afterEach(() => {
  config.onUnhandledError = null;
  if (unexpected.length > 0) {
    const [first] = unexpected;
    throw new Error(
      `${unexpected.length} unexpected report(s); the first: ${first instanceof Error ? (first.stack ?? first.message) : String(first)}`,
    );
  }
});
