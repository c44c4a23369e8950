// The library under test, as a value the cases receive.
//
// `bench/run.ts` passes the built package (`import * as rxotp from 'rxotp'`, what users get);
// the jest smoke test passes the sources. The cases never import rxotp themselves, so the
// smoke test runs without a build and cannot test a stale one. Only types come from src/ here:
// type imports are erased, nothing from src/ runs under `npm run bench`.
import type * as Source from '../src/index.js';

/** The public API of rxotp. */
export type Rxotp = typeof Source;

export type { Pid, Registry, SupervisorNotification } from '../src/index.js';
