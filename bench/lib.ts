// The library under test, as a value the cases receive.
//
// `bench/run.ts` passes the built package (`import * as rxotp from 'rxotp'`, what users get);
// the jest smoke test passes the sources. The cases never import rxotp themselves, so the
// smoke test runs without a build and cannot test a stale one. Only types come from src/ here:
// type imports are erased, nothing from src/ runs under `npm run bench`.
import type * as Source from '../src/index.js';
import type * as RemoteSource from '../src/remote/index.js';

/** The public API of `rxotp/remote`. */
export type RemoteApi = typeof RemoteSource;

/**
 * `rxotp/remote`, and where a worker thread loads the same copy of rxotp from: a worker
 * cannot be handed modules, so it is handed their specifiers (`require`d from `bench/`).
 */
export type RxotpRemote = RemoteApi & {
  readonly modules: { readonly core: string; readonly remote: string };
};

/** The public API of `rxotp`. */
export type RxotpCore = typeof Source;

/** The public API of rxotp, with `rxotp/remote` as `remote`. */
export type Rxotp = RxotpCore & { readonly remote: RxotpRemote };

export type { Pid, Registry, SupervisorNotification } from '../src/index.js';
